/**
 * `password_policy`: Authelia's standard rules (length, character classes) or a zxcvbn strength score, checked
 * before a reset or change writes a new password. zxcvbn is the maintained TypeScript port (@zxcvbn-ts).
 */
import { createRequire } from 'node:module';
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import type { PasswordPolicyConfig } from '../../config/index.js';

export type PolicyMode = 'disabled' | 'standard' | 'zxcvbn';

/** The policy as the portal shows it (GET /api/configuration/password-policy). */
export interface PolicyDescription {
  readonly mode: PolicyMode;
  readonly min_length: number;
  readonly max_length: number;
  readonly min_score: number;
  readonly require_uppercase: boolean;
  readonly require_lowercase: boolean;
  readonly require_number: boolean;
  readonly require_special: boolean;
}

export type PolicyVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly reasons: readonly string[] };

export interface PasswordPolicy {
  readonly description: PolicyDescription;
  /** `userInputs` (username, name, email) count against zxcvbn's score, as words an attacker would try first. */
  check(password: string, userInputs?: readonly string[]): PolicyVerdict;
}

let zxcvbn: ZxcvbnFactory | undefined;
function scorer(): ZxcvbnFactory {
  // Loaded on first use (synchronously, through the packages' CommonJS builds): the dictionaries cost a few MB
  // and ~200 ms of start-up, and most deployments never enable zxcvbn.
  const load = createRequire(import.meta.url);
  const core = load('@zxcvbn-ts/core') as typeof import('@zxcvbn-ts/core');
  const common = load('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
  const en = load('@zxcvbn-ts/language-en') as typeof import('@zxcvbn-ts/language-en');
  zxcvbn ??= new core.ZxcvbnFactory({
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...en.dictionary },
    translations: en.translations,
  });
  return zxcvbn;
}

export function createPasswordPolicy(cfg: PasswordPolicyConfig): PasswordPolicy {
  const s = cfg.standard;
  const mode: PolicyMode = s.enabled ? 'standard' : cfg.zxcvbn.enabled ? 'zxcvbn' : 'disabled';
  const description: PolicyDescription = {
    mode,
    min_length: mode === 'standard' ? s.minLength : 0,
    max_length: mode === 'standard' ? s.maxLength : 0,
    min_score: mode === 'zxcvbn' ? cfg.zxcvbn.minScore : 0,
    require_uppercase: mode === 'standard' && s.requireUppercase,
    require_lowercase: mode === 'standard' && s.requireLowercase,
    require_number: mode === 'standard' && s.requireNumber,
    require_special: mode === 'standard' && s.requireSpecial,
  };
  return {
    description,
    check(password, userInputs = []) {
      const reasons: string[] = [];
      if (mode === 'standard') {
        // Length in characters (code points), not UTF-16 units, so an emoji counts once.
        const length = [...password].length;
        if (length < s.minLength) reasons.push(`shorter than ${s.minLength} characters`);
        if (s.maxLength > 0 && length > s.maxLength) reasons.push(`longer than ${s.maxLength} characters`);
        if (s.requireUppercase && !/\p{Lu}/u.test(password)) reasons.push('no uppercase letter');
        if (s.requireLowercase && !/\p{Ll}/u.test(password)) reasons.push('no lowercase letter');
        if (s.requireNumber && !/\p{Nd}/u.test(password)) reasons.push('no number');
        if (s.requireSpecial && !/[^\p{L}\p{Nd}]/u.test(password)) reasons.push('no special character');
      } else if (mode === 'zxcvbn') {
        const r = scorer().check(password, [...userInputs]);
        if (r.score < cfg.zxcvbn.minScore)
          reasons.push(`strength score ${r.score} is below ${cfg.zxcvbn.minScore}`);
      } else if (password.length === 0) {
        reasons.push('empty');
      }
      return reasons.length ? { ok: false, reasons } : { ok: true };
    },
  };
}
