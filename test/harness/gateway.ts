/**
 * Test harness: an in-process Portcullis on an ephemeral loopback port, from a real configuration.yml and
 * users_database.yml written to a temp dir. Config modifiers adjust the YAML object before it is written.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createRuntime, type RuntimeOptions } from '../../src/app/index.js';
import { hashPassword } from '../../src/authn/index.js';
import { type Started, startGateway } from '../../src/cli/commands/serve-run.js';
import { loadConfigOrThrow, PASSWORD_HASH_DEFAULTS } from '../../src/config/index.js';

export interface TestUser {
  password: string;
  /** A digest to store as is, instead of a cheap argon2id one of `password`. */
  digest?: string;
  displayname?: string;
  email?: string;
  groups?: string[];
  disabled?: boolean;
}

export const DEFAULT_USERS: Record<string, TestUser> = {
  john: {
    password: 'john-password',
    displayname: 'John Doe',
    email: 'john@example.com',
    groups: ['admins', 'dev'],
  },
  harry: { password: 'harry-password', displayname: 'Harry Potter', email: 'harry@example.com', groups: [] },
  bob: { password: 'bob-password', displayname: 'Bob Dylan', email: 'bob@example.com', groups: ['dev'] },
};

/** The baseline config every test starts from: example.com, a few rules covering every policy. */
export function baseConfig(dir: string): Record<string, any> {
  return {
    theme: 'light',
    server: { address: 'tcp://127.0.0.1:0/' },
    log: { level: 'info', format: 'json' },
    identity_validation: {
      reset_password: { jwt_secret: 'a_very_important_secret_for_jwt_tokens_0123456789' },
    },
    authentication_backend: { refresh_interval: '5m', file: { path: join(dir, 'users_database.yml') } },
    access_control: {
      default_policy: 'deny',
      rules: [
        { domain: 'public.example.com', policy: 'bypass' },
        { domain: 'deny.example.com', policy: 'deny' },
        { domain: 'admin.example.com', policy: 'two_factor', subject: ['group:admins'] },
        { domain: 'secure.example.com', policy: 'two_factor' },
        { domain: ['singlefactor.example.com', 'app.example.com'], policy: 'one_factor' },
        { domain: 'dev.example.com', resources: ['^/private([/?].*)?$'], policy: 'deny' },
        { domain: 'dev.example.com', policy: 'one_factor' },
      ],
    },
    session: {
      secret: 'a_session_secret_that_is_long_enough_0123456789',
      cookies: [{ domain: 'example.com', authelia_url: 'https://auth.example.com/' }],
    },
    regulation: { max_retries: 3, find_time: '2m', ban_time: '5m' },
    storage: {
      encryption_key: 'an_encryption_key_that_is_long_enough_0123456789',
      local: { path: join(dir, 'db.sqlite3') },
    },
    notifier: { filesystem: { filename: join(dir, 'notification.txt') } },
  };
}

export interface Harness extends Started {
  readonly dir: string;
  readonly port: number;
  readonly logs: string[];
}

export async function usersYaml(users: Record<string, TestUser>): Promise<string> {
  const out: Record<string, unknown> = {};
  for (const [name, u] of Object.entries(users)) {
    out[name] = {
      disabled: u.disabled ?? false,
      displayname: u.displayname ?? name,
      // Cheap argon2id parameters keep the suite fast; the digest format is Authelia's.
      password:
        u.digest ??
        (await hashPassword(u.password, {
          ...PASSWORD_HASH_DEFAULTS,
          argon2: {
            variant: 'argon2id',
            iterations: 1,
            memory: 1024,
            parallelism: 1,
            keyLength: 32,
            saltLength: 16,
          },
        })),
      email: u.email ?? `${name}@example.com`,
      groups: u.groups ?? [],
    };
  }
  return stringify({ users: out });
}

export async function startHarness(
  opts: {
    modify?: (cfg: Record<string, any>, dir: string) => void;
    users?: Record<string, TestUser>;
    runtime?: RuntimeOptions;
    dir?: string;
  } = {},
): Promise<Harness> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'portcullis-test-'));
  const cfg = baseConfig(dir);
  opts.modify?.(cfg, dir);
  writeFileSync(join(dir, 'configuration.yml'), stringify(cfg));
  writeFileSync(join(dir, 'users_database.yml'), await usersYaml(opts.users ?? DEFAULT_USERS));
  const { config } = await loadConfigOrThrow([join(dir, 'configuration.yml')], {});
  const logs: string[] = [];
  const { Writable } = await import('node:stream');
  const stdout = new Writable({
    write(chunk: Buffer, _e, cb) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  const runtime = await createRuntime(config, { basicFailureDelayMs: 2000, ...opts.runtime, stdout });
  const started = await startGateway(runtime, { host: '127.0.0.1', port: 0 });
  const port = Number(new URL(started.url).port);
  return {
    ...started,
    dir,
    port,
    logs,
    async stop() {
      await started.stop();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
