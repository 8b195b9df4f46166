/** Shared shapes of the stack audit: findings, and the model the readers build from compose/Caddy/nginx/Authelia files. */

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** Higher is worse; used for sorting and `--fail-on`. */
export function severityRank(s: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(s);
}

export interface Finding {
  readonly id: string;
  readonly severity: Severity;
  readonly file: string;
  readonly line: number;
  /** The service, site, location or rule the finding is about. */
  readonly subject: string;
  /** What is wrong, one line. */
  readonly message: string;
  /** Why it matters, one line. */
  readonly why: string;
  /** What to change, concretely. */
  readonly fix: string;
}

export interface Where {
  readonly file: string;
  readonly line: number;
}

export interface PortBinding {
  readonly hostIp: string | undefined;
  readonly published: string | undefined;
  readonly target: string;
  readonly allInterfaces: boolean;
  readonly at: Where;
}

export interface ComposeService {
  readonly name: string;
  readonly project: string;
  readonly image: string | undefined;
  readonly kind: 'database' | 'auth' | 'proxy' | 'app';
  /** The merged, interpolated service definition. */
  readonly def: Readonly<Record<string, unknown>>;
  /** The same before `${VAR}` interpolation, to tell values kept in .env from values written inline. */
  readonly raw: Readonly<Record<string, unknown>>;
  readonly networks: readonly string[];
  readonly ports: readonly PortBinding[];
  /** Where the service, or one of its keys, was written. */
  at(key?: string): Where;
}

export interface ComposeProject {
  readonly name: string;
  readonly dir: string;
  readonly files: readonly string[];
  readonly services: readonly ComposeService[];
}

/** A generic block-structured directive, shared by the Caddyfile and nginx readers. */
export interface Directive {
  readonly name: string;
  readonly args: readonly string[];
  readonly file: string;
  readonly line: number;
  readonly block: readonly Directive[] | undefined;
}

/** One route the proxy serves: a Caddy site or an nginx location that passes traffic to an upstream. */
export interface Route {
  readonly proxy: 'caddy' | 'nginx';
  readonly host: string;
  readonly path: string;
  readonly upstreams: readonly string[];
  readonly protected: boolean;
  /** Why an unprotected route is fine: it is the auth portal, or marked `# portcullis: public`. */
  readonly exempt: 'portal' | 'public' | undefined;
  readonly at: Where;
}

export interface ReachEdge {
  readonly from: string;
  readonly to: string;
  readonly via: readonly string[];
}
