/** Shared vocabulary of decisions: who asks (Subject), for what (Target), and the answer (Decision). */

export type Policy = 'bypass' | 'one_factor' | 'two_factor' | 'deny';

/** 0 = anonymous, 1 = one factor, 2 = two factors. */
export type AuthLevel = 0 | 1 | 2;

export interface Subject {
  /** Empty string for an anonymous subject. */
  readonly username: string;
  readonly groups: readonly string[];
  readonly ip: string;
  /** Set for OAuth2 client-credential subjects (`oauth2:client:<id>`). */
  readonly clientId?: string | undefined;
}

export interface Target {
  readonly url: URL;
  readonly method: string;
}

export type Outcome = 'allow' | 'login' | 'step-up' | 'deny';

export interface Decision {
  readonly outcome: Outcome;
  readonly policy: Policy;
  /** 1-based rule number that matched, or 0 when the default policy applied. */
  readonly rule: number;
  readonly ruleHasSubject: boolean;
  readonly reasons: readonly string[];
}
