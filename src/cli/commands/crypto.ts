/**
 * `portcullis crypto hash generate|validate`: Authelia's password digest tools with the same flags, defaults
 * and output, so scripts written for `authelia crypto hash …` keep working.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  PASSWORD_HASH_DEFAULTS,
  type PasswordHashConfig,
  PBKDF2_DEFAULT_ITERATIONS,
} from '../../config/index.js';
import { PortcullisError, randomString } from '../../core/index.js';
import { EXIT } from '../exit-codes.js';

const ALGORITHMS = ['argon2', 'scrypt', 'pbkdf2', 'sha2crypt', 'bcrypt'] as const;
type Algorithm = (typeof ALGORITHMS)[number];

/** RFC 9106's two argon2id recommendations, as Authelia's --profile offers them. */
const PROFILES: Readonly<Record<string, { iterations: number; memory: number; parallelism: number }>> = {
  'low-memory': { iterations: 3, memory: 65536, parallelism: 4 },
  recommended: { iterations: 1, memory: 2097152, parallelism: 4 },
};

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const SYMBOLS = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
const UNRESERVED = '-._~';
const CHARSETS: Readonly<Record<string, string>> = {
  ascii: LOWER + UPPER + DIGITS + SYMBOLS,
  alphanumeric: LOWER + UPPER + DIGITS,
  'alphanumeric-lower': LOWER + DIGITS,
  'alphanumeric-upper': UPPER + DIGITS,
  alphabetic: LOWER + UPPER,
  'alphabetic-lower': LOWER,
  'alphabetic-upper': UPPER,
  'numeric-hex': `${DIGITS}ABCDEF`,
  numeric: DIGITS,
  rfc3986: LOWER + UPPER + DIGITS + UNRESERVED,
  'rfc3986-lower': LOWER + DIGITS + UNRESERVED,
  'rfc3986-upper': UPPER + DIGITS + UNRESERVED,
};

/** Flags that only make sense for some algorithms (Authelia defines them per subcommand). */
const APPLIES: Readonly<Record<string, readonly Algorithm[]>> = {
  memory: ['argon2'],
  profile: ['argon2'],
  parallelism: ['argon2', 'scrypt'],
  keySize: ['argon2', 'scrypt'],
  blockSize: ['scrypt'],
  saltSize: ['argon2', 'scrypt', 'pbkdf2', 'sha2crypt'],
  iterations: ['argon2', 'scrypt', 'pbkdf2', 'sha2crypt', 'bcrypt'],
  cost: ['bcrypt'],
};

interface GenerateOptions {
  password?: string;
  random?: boolean;
  'random.length': number;
  'random.charset'?: string;
  'random.characters'?: string;
  confirm: boolean;
  config?: string[];
  variant?: string;
  iterations?: number;
  cost?: number;
  memory?: number;
  parallelism?: number;
  keySize?: number;
  saltSize?: number;
  blockSize?: number;
  profile?: string;
}

function positiveInt(value: string): number {
  if (!/^[0-9]+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('must be a positive integer.');
  }
  return Number(value);
}

const usage = (message: string) => new PortcullisError('ERR_CLI_USAGE', message);

function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** Applies the command-line flags over the defaults (or over the config's password section). */
export function resolveHashConfig(
  algorithm: Algorithm,
  base: PasswordHashConfig,
  o: GenerateOptions,
): PasswordHashConfig {
  for (const [key, algs] of Object.entries(APPLIES)) {
    if (o[key as keyof GenerateOptions] !== undefined && !algs.includes(algorithm)) {
      throw usage(`flag ${flagName(key)} does not apply to ${algorithm} (it is for ${algs.join(', ')})`);
    }
  }
  const variant = o.variant;
  switch (algorithm) {
    case 'argon2': {
      const v =
        variant === undefined
          ? base.argon2.variant
          : variant.startsWith('argon2')
            ? variant
            : `argon2${variant}`;
      if (!['argon2id', 'argon2i', 'argon2d'].includes(v)) {
        throw usage(
          `variant '${variant}' is not valid: valid variants are 'argon2id', 'argon2i', and 'argon2d'`,
        );
      }
      let costs = base.argon2;
      if (o.profile !== undefined) {
        const p = PROFILES[o.profile];
        if (!p)
          throw usage(
            `profile '${o.profile}' is not valid: valid profiles are 'low-memory' and 'recommended'`,
          );
        costs = { ...costs, ...p, keyLength: 32, saltLength: 16 };
      }
      return {
        ...base,
        algorithm,
        argon2: {
          variant: v as PasswordHashConfig['argon2']['variant'],
          iterations: o.iterations ?? costs.iterations,
          memory: o.memory ?? costs.memory,
          parallelism: o.parallelism ?? costs.parallelism,
          keyLength: o.keySize ?? costs.keyLength,
          saltLength: o.saltSize ?? costs.saltLength,
        },
      };
    }
    case 'scrypt': {
      const v = variant ?? base.scrypt.variant;
      if (v !== 'scrypt' && v !== 'yescrypt')
        throw usage(`variant '${v}' is not valid: valid variants are 'scrypt' and 'yescrypt'`);
      return {
        ...base,
        algorithm,
        scrypt: {
          variant: v,
          iterations: o.iterations ?? base.scrypt.iterations,
          blockSize: o.blockSize ?? base.scrypt.blockSize,
          parallelism: o.parallelism ?? base.scrypt.parallelism,
          keyLength: o.keySize ?? base.scrypt.keyLength,
          saltLength: o.saltSize ?? base.scrypt.saltLength,
        },
      };
    }
    case 'pbkdf2': {
      const v = variant ?? base.pbkdf2.variant;
      const defaultIterations = PBKDF2_DEFAULT_ITERATIONS[v];
      if (defaultIterations === undefined) {
        throw usage(
          `variant '${v}' is not valid: valid variants are 'sha1', 'sha224', 'sha256', 'sha384', and 'sha512'`,
        );
      }
      // A variant chosen on the command line brings its own default iterations, as in Authelia.
      const iterations = o.iterations ?? (variant === undefined ? base.pbkdf2.iterations : defaultIterations);
      return {
        ...base,
        algorithm,
        pbkdf2: {
          variant: v as PasswordHashConfig['pbkdf2']['variant'],
          iterations,
          saltLength: o.saltSize ?? base.pbkdf2.saltLength,
        },
      };
    }
    case 'sha2crypt': {
      const v = variant === '6' ? 'sha512' : variant === '5' ? 'sha256' : (variant ?? base.sha2crypt.variant);
      if (v !== 'sha256' && v !== 'sha512')
        throw usage(`variant '${variant}' is not valid: valid variants are 'sha256' and 'sha512'`);
      return {
        ...base,
        algorithm,
        sha2crypt: {
          variant: v,
          iterations: o.iterations ?? base.sha2crypt.iterations,
          saltLength: o.saltSize ?? base.sha2crypt.saltLength,
        },
      };
    }
    case 'bcrypt': {
      const v = variant ?? base.bcrypt.variant;
      if (v !== 'standard' && v !== 'sha256')
        throw usage(`variant '${v}' is not valid: valid variants are 'standard' and 'sha256'`);
      if (o.cost !== undefined && o.iterations !== undefined && o.cost !== o.iterations) {
        throw usage('flags --cost and -i set different costs; use one of them');
      }
      return { ...base, algorithm, bcrypt: { variant: v, cost: o.cost ?? o.iterations ?? base.bcrypt.cost } };
    }
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  // One trailing newline is the shell's, not the password's (`echo pw | portcullis …`).
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Reads a line from the terminal without echoing it. Prompts go to stderr so stdout stays machine-readable. */
function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003' || ch === '\u0004') return done(usage('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else value += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

async function obtainPassword(o: { password?: string; confirm?: boolean }): Promise<string> {
  let password: string;
  if (o.password !== undefined) password = o.password;
  else if (!process.stdin.isTTY) password = await readStdin();
  else {
    password = await promptHidden('Enter Password: ');
    if (o.confirm !== false) {
      const again = await promptHidden('Confirm Password: ');
      if (again !== password) throw usage('the password did not match the confirmation password');
    }
  }
  if (password.length === 0) throw usage('no password provided');
  return password;
}

/** The random password asked for (any --random.* flag implies --random, as upstream), or undefined. */
function randomPassword(o: GenerateOptions): string | undefined {
  const wanted =
    o.random === true || o['random.charset'] !== undefined || o['random.characters'] !== undefined;
  if (!wanted) return undefined;
  if (o['random.charset'] !== undefined && o['random.characters'] !== undefined) {
    throw usage(
      'flag --random.charset and flag --random.characters are mutually exclusive, only one may be used',
    );
  }
  let charset = o['random.characters'];
  if (charset === undefined) {
    const name = o['random.charset'] ?? 'alphanumeric';
    charset = CHARSETS[name];
    if (charset === undefined) {
      throw usage(
        `flag '--random.charset' with value '${name}' is invalid, must be one of ${Object.keys(CHARSETS)
          .map((c) => `'${c}'`)
          .join(', ')}`,
      );
    }
  }
  if (charset.length === 0) throw usage('flag --random.characters must not be empty');
  return randomString(o['random.length'], charset);
}

/** Go's url.QueryEscape, which Authelia uses for the "URL Encoded" line: only A-Z a-z 0-9 - _ . ~ stay as is. */
function queryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll('%20', '+');
}

export function defineCryptoCommands(program: Command): void {
  const crypto = program.command('crypto').description('Cryptographic tools.');
  const hash = crypto
    .command('hash')
    .description('Generate and validate password digests (Authelia-compatible).');

  hash
    .command('generate')
    .argument(
      '[algorithm]',
      `one of ${ALGORITHMS.join(', ')} (default: argon2, or the --config file's algorithm)`,
    )
    .description(
      'Generate a password digest, as for authentication_backend.file users and OIDC client secrets.',
    )
    .option(
      '--password <password>',
      'the password to hash (default: stdin when it is not a terminal, else a prompt)',
    )
    .option('--random', 'use a randomly generated password (printed before the digest)')
    .option('--random.length <n>', 'length of the random password', positiveInt, 72)
    .option(
      '--random.charset <name>',
      `charset of the random password: ${Object.keys(CHARSETS).join(', ')} (default: alphanumeric)`,
    )
    .option('--random.characters <chars>', 'explicit characters for the random password')
    .option('--no-confirm', 'skip the password confirmation prompt')
    .option(
      '-c, --config <file...>',
      "take the defaults from this configuration's authentication_backend.file.password",
    )
    .option(
      '-v, --variant <name>',
      'argon2: argon2id|argon2i|argon2d (argon2id) · scrypt: scrypt (yescrypt unsupported) · pbkdf2: sha1|sha224|sha256|sha384|sha512 (sha512) · sha2crypt: sha256|sha512 (sha512) · bcrypt: standard|sha256 (standard)',
    )
    .option(
      '-i, --iterations <n>',
      'argon2: passes (3) · scrypt: log2 N (16) · pbkdf2: iterations (per variant: sha512 310000) · sha2crypt: rounds (50000) · bcrypt: cost (12)',
      positiveInt,
    )
    .option('--cost <n>', 'bcrypt: cost (12)', positiveInt)
    .option('-m, --memory <KiB>', 'argon2: memory in kibibytes (65536)', positiveInt)
    .option('-p, --parallelism <n>', 'argon2: lanes (4) · scrypt: parallelism (1)', positiveInt)
    .option('-k, --key-size <bytes>', 'argon2, scrypt: key size in bytes (32)', positiveInt)
    .option('-s, --salt-size <bytes>', 'salt size in bytes (16; sha2crypt at most 16)', positiveInt)
    .option('-r, --block-size <n>', 'scrypt: block size (8)', positiveInt)
    .addOption(
      new Option('--profile <name>', 'argon2: RFC 9106 profile').choices(['low-memory', 'recommended']),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ portcullis crypto hash generate --password 'p@ssw0rd'
  $ portcullis crypto hash generate argon2 --password 'p@ssw0rd' -m 32768 -p 2
  $ portcullis crypto hash generate sha2crypt -v sha256 --password 'p@ssw0rd'
  $ portcullis crypto hash generate pbkdf2 -v sha256 --random --random.length 32
  $ echo 'p@ssw0rd' | portcullis crypto hash generate bcrypt --cost 12
  $ portcullis crypto hash generate --config /config/configuration.yml --password 'p@ssw0rd'

Prints "Digest: <digest>" (after "Random Password: <password>" with --random).
Exit codes: 0 ok · 2 wrong usage or parameters · 3 could not run`,
    )
    .action(async (algorithmArg: string | undefined, opts: GenerateOptions) => {
      if (algorithmArg !== undefined && !(ALGORITHMS as readonly string[]).includes(algorithmArg)) {
        throw usage(`unknown algorithm '${algorithmArg}': use one of ${ALGORITHMS.join(', ')}`);
      }
      let base = PASSWORD_HASH_DEFAULTS;
      if (opts.config) {
        const { loadConfig, formatIssues } = await import('../../config/index.js');
        const result = await loadConfig(opts.config, process.env);
        if (!result.ok) {
          console.error(formatIssues(result.issues));
          process.exitCode = EXIT.FAILED;
          return;
        }
        const file = result.config.authenticationBackend.file;
        if (!file) throw usage('authentication backend file is not configured');
        base = file.password;
      }
      const algorithm = (algorithmArg ?? base.algorithm) as Algorithm;
      const cfg = resolveHashConfig(algorithm, base, opts);
      const random = randomPassword(opts);
      const password = random ?? (await obtainPassword(opts));
      const { hashPassword } = await import('../../authn/index.js');
      let digest: string;
      try {
        digest = await hashPassword(password, cfg);
      } catch (e) {
        if (e instanceof PortcullisError && e.code === 'ERR_HASH_PARAMS') throw usage(e.message);
        throw e;
      }
      if (random) {
        console.log(`Random Password: ${password}`);
        const encoded = queryEscape(password);
        if (encoded !== password) console.log(`Random Password (URL Encoded): ${encoded}`);
      }
      console.log(`Digest: ${digest}`);
    });

  hash
    .command('validate')
    .usage('[options] -- <digest>')
    .argument('<digest>', 'the digest to check, e.g. $argon2id$v=19$…')
    .description('Check whether a password matches a digest.')
    .option(
      '--password <password>',
      'the password to check (default: stdin when it is not a terminal, else a prompt)',
    )
    .addHelpText(
      'after',
      `
Example:
  $ portcullis crypto hash validate --password 'password' -- '$argon2id$v=19$m=65536,t=3,p=2$BpLnfgDsc2WD8F2q$o/vzA4myCqZZ36bUGsDY//8mKUYNZZaR0t4MFFSs+iM'

Exit codes: 0 the password matches · 1 it does not · 2 wrong usage or a digest in an unknown format`,
    )
    .action(async (digest: string, opts: { password?: string }) => {
      const password = await obtainPassword({ password: opts.password, confirm: false });
      const { verifyPassword } = await import('../../authn/index.js');
      let valid: boolean;
      try {
        valid = await verifyPassword(password, digest);
      } catch (e) {
        if (!(e instanceof PortcullisError)) throw e;
        console.error(
          `portcullis: error occurred trying to validate the password against the digest: ${e.message} [${e.code}]`,
        );
        process.exitCode = EXIT.USAGE;
        return;
      }
      console.log(valid ? 'The password matches the digest.' : 'The password does not match the digest.');
      process.exitCode = valid ? EXIT.OK : EXIT.FAILED;
    });
}
