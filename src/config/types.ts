/**
 * The frozen, normalized configuration every other module reads.
 * Keys are camelCase; durations are milliseconds; defaults are filled in. Built by loadConfig().
 */
import type { Policy } from '../core/index.js';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'trace';

export interface TlsClientConfig {
  readonly serverName: string;
  readonly skipVerify: boolean;
  readonly minimumVersion: string;
  readonly maximumVersion: string;
  readonly certificateChain: string;
  readonly privateKey: string;
}

export type AuthnStrategyName =
  | 'CookieSession'
  | 'HeaderAuthorization'
  | 'HeaderProxyAuthorization'
  | 'HeaderAuthRequestProxyAuthorization'
  | 'HeaderLegacy';

export interface AuthnStrategy {
  readonly name: AuthnStrategyName;
  /** Lower-case scheme names: 'basic' and/or 'bearer'. */
  readonly schemes: readonly ('basic' | 'bearer')[];
  readonly schemeBasicCacheLifespan: number;
}

export type AuthzImplementation = 'ForwardAuth' | 'AuthRequest' | 'ExtAuthz' | 'Legacy';

export interface AuthzEndpoint {
  readonly name: string;
  readonly implementation: AuthzImplementation;
  readonly authnStrategies: readonly AuthnStrategy[];
}

export interface ServerConfig {
  /** Parsed `server.address`: scheme, host ('' = all interfaces), port, unix socket path and sub-path. */
  readonly address: {
    readonly scheme: 'tcp' | 'tcp4' | 'tcp6' | 'unix' | 'fd';
    readonly host: string;
    readonly port: number;
    readonly socketPath: string;
    /** '' or a path prefix without trailing slash, e.g. '/authelia'. */
    readonly path: string;
  };
  readonly assetPath: string;
  readonly disableHealthcheck: boolean;
  readonly tls: {
    readonly key: string;
    readonly certificate: string;
    readonly clientCertificates: readonly string[];
  };
  readonly headers: { readonly cspTemplate: string };
  readonly buffers: { readonly read: number; readonly write: number };
  readonly timeouts: { readonly read: number; readonly write: number; readonly idle: number };
  readonly endpoints: {
    readonly enablePprof: boolean;
    readonly enableExpvars: boolean;
    readonly authz: readonly AuthzEndpoint[];
  };
  /** Portcullis-only: peers whose X-Forwarded-* headers are believed (CIDRs). */
  readonly trustedProxies: readonly string[];
}

export interface LogConfig {
  readonly level: LogLevel;
  readonly format: 'text' | 'json';
  readonly filePath: string;
  readonly keepStdout: boolean;
}

export interface PasswordHashConfig {
  readonly algorithm: 'argon2' | 'scrypt' | 'pbkdf2' | 'sha2crypt' | 'bcrypt';
  readonly argon2: {
    readonly variant: 'argon2id' | 'argon2i' | 'argon2d';
    readonly iterations: number;
    readonly memory: number;
    readonly parallelism: number;
    readonly keyLength: number;
    readonly saltLength: number;
  };
  readonly scrypt: {
    readonly variant: 'scrypt' | 'yescrypt';
    readonly iterations: number;
    readonly blockSize: number;
    readonly parallelism: number;
    readonly keyLength: number;
    readonly saltLength: number;
  };
  readonly pbkdf2: {
    readonly variant: 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
    readonly iterations: number;
    readonly saltLength: number;
  };
  readonly sha2crypt: {
    readonly variant: 'sha256' | 'sha512';
    readonly iterations: number;
    readonly saltLength: number;
  };
  readonly bcrypt: { readonly variant: 'standard' | 'sha256'; readonly cost: number };
}

export interface FileBackendConfig {
  readonly path: string;
  readonly watch: boolean;
  readonly search: { readonly email: boolean; readonly caseInsensitive: boolean };
  readonly password: PasswordHashConfig;
}

export interface AuthenticationBackendConfig {
  /** -1 = disabled, 0 = always, otherwise ms. */
  readonly refreshInterval: number;
  readonly passwordReset: { readonly disable: boolean; readonly customUrl: string };
  readonly passwordChange: { readonly disable: boolean };
  /** Undefined when an LDAP backend is configured (not supported yet; rejected by validation). */
  readonly file: FileBackendConfig | undefined;
}

export interface QueryMatcherConfig {
  readonly operator: 'present' | 'absent' | 'equal' | 'not equal' | 'pattern' | 'not pattern';
  readonly key: string;
  /** Present for equal/not equal/pattern/not pattern. */
  readonly value: string | undefined;
}

export interface AccessControlRuleConfig {
  /** 1-based position in `access_control.rules`. */
  readonly position: number;
  readonly domain: readonly string[];
  /** Regex source in Go/RE2 syntax exactly as written. */
  readonly domainRegex: readonly string[];
  readonly policy: Policy;
  /** OR of AND: each inner list is one AND-group of 'user:x' / 'group:x' / 'oauth2:client:x'. */
  readonly subject: readonly (readonly string[])[];
  /** CIDRs, with named networks already resolved. */
  readonly networks: readonly string[];
  readonly resources: readonly string[];
  readonly methods: readonly string[];
  readonly query: readonly (readonly QueryMatcherConfig[])[];
}

export interface AccessControlConfig {
  readonly defaultPolicy: Policy;
  readonly rules: readonly AccessControlRuleConfig[];
}

export interface SessionCookieConfig {
  readonly domain: string;
  /** '' only for the legacy single-domain form. */
  readonly autheliaUrl: string;
  readonly defaultRedirectionUrl: string;
  readonly name: string;
  readonly sameSite: 'lax' | 'strict' | 'none';
  readonly expiration: number;
  readonly inactivity: number;
  /** -1 = remember-me disabled. */
  readonly rememberMe: number;
}

export interface RedisConfig {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly databaseIndex: number;
  readonly timeout: number;
  readonly maxRetries: number;
  readonly maximumActiveConnections: number;
  readonly minimumIdleConnections: number;
  readonly tls: TlsClientConfig | undefined;
  readonly highAvailability:
    | {
        readonly sentinelName: string;
        readonly sentinelUsername: string;
        readonly sentinelPassword: string;
        readonly nodes: readonly { readonly host: string; readonly port: number }[];
        readonly routeByLatency: boolean;
        readonly routeRandomly: boolean;
      }
    | undefined;
}

export interface SessionConfig {
  readonly secret: string;
  readonly cookies: readonly SessionCookieConfig[];
  readonly redis: RedisConfig | undefined;
}

export interface RegulationConfig {
  readonly modes: readonly ('user' | 'ip')[];
  /** 0 disables regulation. */
  readonly maxRetries: number;
  readonly findTime: number;
  readonly banTime: number;
}

export interface StorageConfig {
  readonly encryptionKey: string;
  readonly local: { readonly path: string } | undefined;
  readonly postgres:
    | {
        readonly address: string;
        readonly database: string;
        readonly schema: string;
        readonly username: string;
        readonly password: string;
        readonly timeout: number;
        readonly tls: TlsClientConfig | undefined;
        readonly servers: readonly { readonly address: string; readonly tls: TlsClientConfig | undefined }[];
      }
    | undefined;
  readonly mysql:
    | {
        readonly address: string;
        readonly database: string;
        readonly username: string;
        readonly password: string;
        readonly timeout: number;
        readonly tls: TlsClientConfig | undefined;
      }
    | undefined;
}

export interface NotifierConfig {
  readonly disableStartupCheck: boolean;
  readonly templatePath: string;
  readonly filesystem: { readonly filename: string } | undefined;
  readonly smtp:
    | {
        readonly address: string;
        readonly timeout: number;
        readonly username: string;
        readonly password: string;
        readonly sender: string;
        readonly identifier: string;
        readonly subject: string;
        readonly startupCheckAddress: string;
        readonly disableRequireTls: boolean;
        readonly disableStarttls: boolean;
        readonly disableHtmlEmails: boolean;
        readonly tls: TlsClientConfig | undefined;
      }
    | undefined;
}

export interface TotpConfig {
  readonly disable: boolean;
  readonly issuer: string;
  readonly algorithm: 'SHA1' | 'SHA256' | 'SHA512';
  readonly digits: 6 | 8;
  readonly period: number;
  readonly skew: number;
  readonly secretSize: number;
  readonly allowedAlgorithms: readonly ('SHA1' | 'SHA256' | 'SHA512')[];
  readonly allowedDigits: readonly (6 | 8)[];
  readonly allowedPeriods: readonly number[];
  readonly disableReuseSecurityPolicy: boolean;
}

export interface WebauthnConfig {
  readonly disable: boolean;
  readonly enablePasskeyLogin: boolean;
  readonly experimentalEnablePasskeyUvTwoFactors: boolean;
  readonly displayName: string;
  readonly attestationConveyancePreference: 'none' | 'indirect' | 'direct';
  readonly timeout: number;
  readonly selectionCriteria: {
    readonly attachment: '' | 'cross-platform' | 'platform';
    readonly discoverability: 'discouraged' | 'preferred' | 'required';
    readonly userVerification: 'discouraged' | 'preferred' | 'required';
  };
  readonly filtering: {
    readonly prohibitBackupEligibility: boolean;
    readonly permittedAaguids: readonly string[];
    readonly prohibitedAaguids: readonly string[];
  };
}

export interface IdentityValidationConfig {
  readonly resetPassword: {
    readonly jwtSecret: string;
    readonly jwtLifespan: number;
    readonly jwtAlgorithm: 'HS256' | 'HS384' | 'HS512';
  };
  readonly elevatedSession: {
    readonly codeLifespan: number;
    readonly elevationLifespan: number;
    readonly characters: number;
    readonly requireSecondFactor: boolean;
    readonly skipSecondFactor: boolean;
  };
}

export interface PasswordPolicyConfig {
  readonly standard: {
    readonly enabled: boolean;
    readonly minLength: number;
    readonly maxLength: number;
    readonly requireUppercase: boolean;
    readonly requireLowercase: boolean;
    readonly requireNumber: boolean;
    readonly requireSpecial: boolean;
  };
  readonly zxcvbn: { readonly enabled: boolean; readonly minScore: number };
}

export interface MetricsConfig {
  readonly enabled: boolean;
  readonly address: { readonly host: string; readonly port: number; readonly path: string };
}

/** `audit` (Portcullis-only): the tamper-evident audit log. */
export interface AuditConfig {
  readonly enabled: boolean;
  /** JSONL mirror of the log; '' for none. */
  readonly filePath: string;
  /** Which authz allows are recorded (denials always are). */
  readonly authzAllowed: 'none' | 'sampled' | 'all';
  /** Fraction of allows recorded when authzAllowed is 'sampled', in (0, 1]. */
  readonly authzSampleRate: number;
  /** Events held in memory while storage fails, before they are counted as dropped. */
  readonly maxQueue: number;
  readonly checkpoint: {
    /** Sign a checkpoint after this many entries… */
    readonly every: number;
    /** …or after this long (ms), whichever comes first. */
    readonly interval: number;
    /** PKCS#8 PEM Ed25519 key; '' to generate one and keep it in storage. */
    readonly signingKey: string;
  };
}

/** `alert` goes to every configured alert channel; `email` to the email channel only. */
export type DetectionActionName = 'ban_ip' | 'ban_user' | 'alert' | 'email';

export interface DetectionRuleConfig {
  readonly enabled: boolean;
  readonly threshold: number;
  readonly window: number;
  readonly banDuration: number;
  readonly actions: readonly DetectionActionName[];
}

export type DetectionRuleName =
  | 'failed_logins'
  | 'password_spraying'
  | 'credential_stuffing'
  | 'repeated_denials'
  | 'new_ip_login'
  | 'session_denial_burst';

/** `detection` (Portcullis-only): rules over the event stream that ban and alert. */
export interface DetectionConfig {
  readonly enabled: boolean;
  /** Masked CIDRs that are never banned (admin networks). */
  readonly trustedNetworks: readonly string[];
  /** Keys (IPs, users, sessions) tracked per rule before the least recently seen are forgotten. */
  readonly maxTrackedKeys: number;
  readonly rules: Readonly<Record<DetectionRuleName, DetectionRuleConfig>>;
  readonly alerts: {
    readonly webhook:
      | {
          readonly url: string;
          readonly headers: Readonly<Record<string, string>>;
          readonly timeout: number;
          readonly retries: number;
        }
      | undefined;
    /** Alert mails through the configured notifier, at most one per `interval` (the rest go in one digest). */
    readonly email?:
      | {
          readonly recipients: readonly string[];
          /** ms between two alert mails. */
          readonly interval: number;
        }
      | undefined;
  };
}

export interface Config {
  readonly theme: 'light' | 'dark' | 'grey' | 'oled' | 'auto';
  readonly default2faMethod: '' | 'totp' | 'webauthn' | 'mobile_push';
  readonly server: ServerConfig;
  readonly log: LogConfig;
  readonly identityValidation: IdentityValidationConfig;
  readonly authenticationBackend: AuthenticationBackendConfig;
  readonly passwordPolicy: PasswordPolicyConfig;
  readonly accessControl: AccessControlConfig;
  /** Named networks from definitions.network and access_control.networks, name → CIDRs. */
  readonly networks: Readonly<Record<string, readonly string[]>>;
  readonly session: SessionConfig;
  readonly regulation: RegulationConfig;
  readonly storage: StorageConfig;
  readonly notifier: NotifierConfig;
  readonly totp: TotpConfig;
  readonly webauthn: WebauthnConfig;
  readonly telemetry: { readonly metrics: MetricsConfig };
  readonly audit: AuditConfig;
  readonly detection: DetectionConfig;
  /** Files the config was read from, in merge order. */
  readonly sources: readonly string[];
}
