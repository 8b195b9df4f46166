/**
 * The file users backend: loads users_database.yml, answers lookups (by username, case-insensitively or by
 * email when configured), and with `watch` reloads on change while keeping the last good version on a bad edit.
 */
import { type FSWatcher, watch as fsWatch } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { formatIssues } from '../../config/index.js';
import { ConfigError, type Logger, PortcullisError, silentLogger } from '../../core/index.js';
import { type ParsedUsers, parseUsersFile, type UserDetails, type UsersSearch } from './parse.js';
import { USERS_FILE_TEMPLATE } from './template.js';

export type { UserDetails } from './parse.js';

export interface UsersDatabaseOptions {
  readonly path: string;
  readonly watch: boolean;
  readonly search: UsersSearch;
  readonly logger?: Logger | undefined;
  /** Quiet period after the last file event before reloading (editors write in several steps). */
  readonly debounceMs?: number | undefined;
}

interface Indexed {
  readonly users: ReadonlyMap<string, UserDetails>;
  /** Lowercased username → canonical (only with case-insensitive search). */
  readonly aliases: ReadonlyMap<string, string>;
  /** Lowercased email → canonical username (only with email search). */
  readonly emails: ReadonlyMap<string, string>;
}

function index(parsed: ParsedUsers, search: UsersSearch): Indexed {
  const aliases = new Map<string, string>();
  const emails = new Map<string, string>();
  for (const u of parsed.users.values()) {
    if (search.caseInsensitive) aliases.set(u.username.toLowerCase(), u.username);
    if (search.email) for (const e of u.emails) emails.set(e.toLowerCase(), u.username);
  }
  return { users: parsed.users, aliases, emails };
}

type ReadResult = { kind: 'ok'; text: string } | { kind: 'missing' } | { kind: 'error'; error: Error };

async function read(path: string): Promise<ReadResult> {
  try {
    return { kind: 'ok', text: await readFile(path, 'utf8') };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'error', error: e as Error };
  }
}

export class UsersDatabase {
  readonly path: string;
  private readonly search: UsersSearch;
  private readonly logger: Logger;
  private readonly debounceMs: number;
  private current: Indexed;
  private gen = 1;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private pending: Promise<boolean> = Promise.resolve(true);

  private constructor(opts: UsersDatabaseOptions, first: Indexed) {
    this.path = opts.path;
    this.search = opts.search;
    this.logger = opts.logger ?? silentLogger;
    this.debounceMs = opts.debounceMs ?? 250;
    this.current = first;
  }

  /**
   * Loads the file. Throws ConfigError (ERR_USERS_FILE_INVALID) listing every issue, or PortcullisError
   * ERR_USERS_FILE_CREATED after writing a template when the file did not exist.
   */
  static async open(opts: UsersDatabaseOptions): Promise<UsersDatabase> {
    const r = await read(opts.path);
    if (r.kind === 'missing') {
      try {
        await writeFile(opts.path, USERS_FILE_TEMPLATE, { mode: 0o600, flag: 'wx' });
      } catch (e) {
        throw new PortcullisError(
          'ERR_CONFIG_UNREADABLE',
          `user authentication database file doesn't exist at path '${opts.path}' and could not be generated: ${(e as Error).message}`,
          { cause: e },
        );
      }
      throw new PortcullisError(
        'ERR_USERS_FILE_CREATED',
        `user authentication database file doesn't exist at path '${opts.path}' and has been generated: edit it (its example user is disabled) and start again`,
      );
    }
    if (r.kind === 'error') {
      throw new PortcullisError(
        'ERR_CONFIG_UNREADABLE',
        `failed to read the '${opts.path}' file: ${r.error.message}`,
        {
          cause: r.error,
        },
      );
    }
    const parsed = parseUsersFile(r.text, opts.path, opts.search);
    if (parsed.issues.some((i) => i.severity === 'error'))
      throw new ConfigError(parsed.issues, 'ERR_USERS_FILE_INVALID');
    const db = new UsersDatabase(opts, index(parsed, opts.search));
    if (opts.watch) db.startWatching();
    return db;
  }

  /** Increments on each successful reload. */
  get generation(): number {
    return this.gen;
  }

  /** Every user (including disabled ones), for tools that list them. */
  get size(): number {
    return this.current.users.size;
  }

  /**
   * Finds a user the way a login does: by email (case-insensitive) when email search is on, by lowercased
   * username when case-insensitive search is on, else by the exact username. Disabled users are not found.
   */
  lookup(usernameOrEmail: string): UserDetails | undefined {
    const { users, aliases, emails } = this.current;
    const lower = usernameOrEmail.toLowerCase();
    const key =
      (this.search.email ? emails.get(lower) : undefined) ??
      (this.search.caseInsensitive ? aliases.get(lower) : undefined) ??
      usernameOrEmail;
    const u = users.get(key);
    return u && !u.disabled ? u : undefined;
  }

  /** The user with exactly this canonical username (session refresh); disabled users are not found. */
  get(username: string): UserDetails | undefined {
    const u = this.current.users.get(username);
    return u && !u.disabled ? u : undefined;
  }

  /**
   * Re-reads the file. Resolves true when a new version was applied, false when the file was empty, missing
   * or invalid (the last good users stay in place and the issues are logged).
   */
  reload(): Promise<boolean> {
    this.pending = this.pending
      .then(() => this.reloadNow())
      .catch((e: unknown) => {
        this.logger.error(
          { path: this.path, err: e },
          'users file reload failed; keeping the last good version',
        );
        return false;
      });
    return this.pending;
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.watcher?.close();
    this.watcher = undefined;
  }

  private async reloadNow(): Promise<boolean> {
    const r = await read(this.path);
    if (r.kind !== 'ok') {
      this.logger.warn(
        { path: this.path, error: r.kind === 'error' ? r.error.message : 'file not found' },
        'users file could not be read; keeping the last good version',
      );
      return false;
    }
    // Editors often truncate before writing; an empty file is a step in a save, not a wish to drop every user.
    if (r.text.trim() === '') return false;
    const parsed = parseUsersFile(r.text, this.path, this.search);
    if (parsed.issues.some((i) => i.severity === 'error')) {
      this.logger.warn(
        { path: this.path, issues: formatIssues(parsed.issues) },
        'users file has errors; keeping the last good version',
      );
      return false;
    }
    this.current = index(parsed, this.search);
    this.gen++;
    this.logger.info(
      { path: this.path, users: parsed.users.size, generation: this.gen },
      'users file reloaded',
    );
    return true;
  }

  private startWatching(): void {
    // Watch the directory, not the file: editors and config management replace the file (new inode) on save.
    const name = basename(this.path);
    this.watcher = fsWatch(dirname(this.path), { persistent: false }, (_event, filename) => {
      if (filename !== null && filename !== name) return;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.reload();
      }, this.debounceMs);
      this.timer.unref();
    });
    this.watcher.on('error', (e) =>
      this.logger.warn({ path: this.path, error: e.message }, 'users file watcher failed'),
    );
  }
}
