/** A tiny declarative description of Authelia's configuration shape: which keys exist and what each holds. */

export type Spec =
  | { readonly kind: 'string' }
  | { readonly kind: 'bool' }
  | { readonly kind: 'int' }
  /** Integers are seconds; strings use Authelia's duration syntax. Coerced to ms. */
  | { readonly kind: 'duration' }
  /** A duration, or the words 'always' / 'disable' (authentication_backend.refresh_interval). */
  | { readonly kind: 'refresh' }
  /** A list; a single value becomes a one-element list, and a single string is split on ',' when `split`. */
  | { readonly kind: 'list'; readonly of: Spec; readonly split: boolean }
  | { readonly kind: 'object'; readonly fields: Readonly<Record<string, Spec>> }
  /** An object whose keys are names chosen by the user (definitions.network.<name>, authz endpoints…). */
  | { readonly kind: 'map'; readonly of: Spec }
  /** ACL subjects: a string, a list of strings (OR) or a list of lists (OR of AND). */
  | { readonly kind: 'subjects' }
  /** Anything: kept as written (query values, sections Portcullis does not model). */
  | { readonly kind: 'any' };

export type ObjectSpec = Extract<Spec, { kind: 'object' }>;

export const str = (): Spec => ({ kind: 'string' });
export const bool = (): Spec => ({ kind: 'bool' });
export const int = (): Spec => ({ kind: 'int' });
export const dur = (): Spec => ({ kind: 'duration' });
export const any = (): Spec => ({ kind: 'any' });
export const obj = (fields: Record<string, Spec>): ObjectSpec => ({ kind: 'object', fields });
export const map = (of: Spec): Spec => ({ kind: 'map', of });

/** Scalar lists split a single string on commas like Authelia's decoder; pass `split: false` to keep it whole. */
export function list(of: Spec, opts?: { split?: boolean }): Spec {
  const scalar = of.kind !== 'object' && of.kind !== 'list' && of.kind !== 'map';
  return { kind: 'list', of, split: opts?.split ?? scalar };
}

/** The client TLS block shared by redis, SQL, SMTP and LDAP. */
export const tlsSpec = (): ObjectSpec =>
  obj({
    server_name: str(),
    skip_verify: bool(),
    minimum_version: str(),
    maximum_version: str(),
    certificate_chain: str(),
    private_key: str(),
  });
