/**
 * Detection rules over the security event stream: each keeps a bounded sliding window and, when its threshold
 * is crossed, returns the actions to take. Pure: no I/O, time comes from the events.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { DetectionConfig, DetectionRuleName } from '../config/index.js';
import { CountWindow, DistinctWindow, LruMap } from './window.js';

export type DetectionInput =
  | {
      readonly kind: 'authn';
      readonly at: number;
      readonly ip: string;
      readonly username: string;
      readonly factor: 'password' | 'totp' | 'webauthn';
      /** 'banned' attempts never reached a password check and are not counted again. */
      readonly result: 'succeeded' | 'failed' | 'banned';
    }
  | {
      readonly kind: 'authz';
      readonly at: number;
      readonly ip: string;
      readonly username: string;
      readonly status: number;
      readonly session?: string | undefined;
    };

export interface Detection {
  readonly rule: DetectionRuleName;
  /** What the rule counted by: an IP, a username or a session digest. */
  readonly key: string;
  readonly count: number;
  readonly at: number;
  readonly windowMs: number;
  readonly banIps: readonly string[];
  readonly banUsers: readonly string[];
  readonly banDurationMs: number;
  /** `alert`: every configured channel (webhook and email). */
  readonly alert: boolean;
  /** `email`: the email channel, even when `alert` is not set. */
  readonly email: boolean;
  readonly message: string;
}

/** How many IPs are remembered per user for new_ip_login. */
const KNOWN_IPS_PER_USER = 32;

/** IPv4-mapped IPv6 (::ffff:a.b.c.d) is the IPv4 address for matching purposes. */
function plainIp(ip: string): string {
  return ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
}

export function createTrustedMatcher(cidrs: readonly string[]): (ip: string) => boolean {
  const list = new BlockList();
  for (const c of cidrs) {
    const [addr = '', bits = ''] = c.split('/');
    if (isIPv4(addr)) list.addSubnet(addr, Number(bits || 32), 'ipv4');
    else if (isIPv6(addr)) list.addSubnet(addr, Number(bits || 128), 'ipv6');
  }
  return (ip) => {
    const p = plainIp(ip);
    if (isIPv4(p)) return list.check(p, 'ipv4');
    if (isIPv6(p)) return list.check(p, 'ipv6');
    return false;
  };
}

export class Detector {
  readonly #cfg: DetectionConfig;
  readonly #trusted: (ip: string) => boolean;
  readonly #failedLogins: CountWindow;
  readonly #spraying: DistinctWindow;
  readonly #stuffing: DistinctWindow;
  readonly #denials: CountWindow;
  readonly #sessionBurst: CountWindow;
  readonly #knownIps: LruMap<string, string[]>;

  constructor(cfg: DetectionConfig) {
    this.#cfg = cfg;
    this.#trusted = createTrustedMatcher(cfg.trustedNetworks);
    const r = cfg.rules;
    const k = cfg.maxTrackedKeys;
    this.#failedLogins = new CountWindow(r.failed_logins.threshold, r.failed_logins.window, k);
    this.#spraying = new DistinctWindow(r.password_spraying.threshold, r.password_spraying.window, k);
    this.#stuffing = new DistinctWindow(r.credential_stuffing.threshold, r.credential_stuffing.window, k);
    this.#denials = new CountWindow(r.repeated_denials.threshold, r.repeated_denials.window, k);
    this.#sessionBurst = new CountWindow(r.session_denial_burst.threshold, r.session_denial_burst.window, k);
    this.#knownIps = new LruMap(k);
  }

  isTrusted(ip: string): boolean {
    return this.#trusted(ip);
  }

  /**
   * A rule that can ban ignores events from trusted networks entirely: their IPs can never be banned, so they
   * must not be able to trigger a user ban either (every user ban also bans the IPs that caused it).
   */
  #active(rule: DetectionRuleName, ip: string): boolean {
    const r = this.#cfg.rules[rule];
    if (!this.#cfg.enabled || !r.enabled) return false;
    const bans = r.actions.includes('ban_ip') || r.actions.includes('ban_user');
    return !(bans && this.#trusted(ip));
  }

  #detection(
    rule: DetectionRuleName,
    key: string,
    count: number,
    at: number,
    ips: readonly string[],
    users: readonly string[],
    message: string,
  ): Detection {
    const r = this.#cfg.rules[rule];
    const banUser = r.actions.includes('ban_user') && users.length > 0;
    // Lockout guard: a user ban always bans the IPs that caused it too.
    const banIps =
      r.actions.includes('ban_ip') || banUser ? ips.filter((ip) => ip !== '' && !this.#trusted(ip)) : [];
    return {
      rule,
      key,
      count,
      at,
      windowMs: r.window,
      banIps,
      banUsers: banUser ? users : [],
      banDurationMs: r.banDuration,
      alert: r.actions.includes('alert'),
      email: r.actions.includes('email'),
      message,
    };
  }

  observe(e: DetectionInput): Detection[] {
    const out: Detection[] = [];
    if (e.kind === 'authn') {
      if (e.result === 'failed') {
        if (this.#active('failed_logins', e.ip)) {
          const n = this.#failedLogins.hit(e.ip, e.at);
          if (n !== undefined) {
            const mins = Math.round(this.#cfg.rules.failed_logins.window / 60_000);
            out.push(
              this.#detection(
                'failed_logins',
                e.ip,
                n,
                e.at,
                [e.ip],
                [],
                `${n} failed logins from ${e.ip} within ${mins} min`,
              ),
            );
          }
        }
        if (e.username !== '' && this.#active('password_spraying', e.ip)) {
          const users = this.#spraying.hit(e.ip, e.username, e.at);
          if (users) {
            out.push(
              this.#detection(
                'password_spraying',
                e.ip,
                users.length,
                e.at,
                [e.ip],
                [],
                `failed logins for ${users.length} different users from ${e.ip}`,
              ),
            );
          }
        }
        if (e.username !== '' && this.#active('credential_stuffing', e.ip)) {
          const ips = this.#stuffing.hit(e.username, e.ip, e.at);
          if (ips) {
            out.push(
              this.#detection(
                'credential_stuffing',
                e.username,
                ips.length,
                e.at,
                ips,
                [e.username],
                `failed logins for user '${e.username}' from ${ips.length} different IPs`,
              ),
            );
          }
        }
      } else if (e.result === 'succeeded' && e.factor === 'password' && e.username !== '') {
        const known = this.#knownIps.get(e.username);
        if (!known) {
          // The first login seen for a user is the baseline, not an anomaly.
          this.#knownIps.set(e.username, [e.ip]);
        } else if (!known.includes(e.ip)) {
          known.push(e.ip);
          if (known.length > KNOWN_IPS_PER_USER) known.shift();
          if (this.#active('new_ip_login', e.ip)) {
            out.push(
              this.#detection(
                'new_ip_login',
                e.username,
                1,
                e.at,
                [e.ip],
                [e.username],
                `user '${e.username}' logged in from a new IP ${e.ip}`,
              ),
            );
          }
        }
      }
      return out;
    }
    if (e.status === 401 || e.status === 403) {
      if (this.#active('repeated_denials', e.ip)) {
        const n = this.#denials.hit(e.ip, e.at);
        if (n !== undefined) {
          out.push(
            this.#detection(
              'repeated_denials',
              e.ip,
              n,
              e.at,
              [e.ip],
              [],
              `${n} denied requests (401/403) from ${e.ip}`,
            ),
          );
        }
      }
      if (e.status === 403 && e.session && this.#active('session_denial_burst', e.ip)) {
        const n = this.#sessionBurst.hit(e.session, e.at);
        if (n !== undefined) {
          const who = e.username ? ` of user '${e.username}'` : '';
          out.push(
            this.#detection(
              'session_denial_burst',
              e.session,
              n,
              e.at,
              [e.ip],
              e.username ? [e.username] : [],
              `${n} denials for one session${who} from ${e.ip}`,
            ),
          );
        }
      }
    }
    return out;
  }
}
