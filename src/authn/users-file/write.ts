/**
 * Writing a new password digest back into users_database.yml: only that user's `password` changes (comments and
 * other users are kept, unlike Authelia which re-serializes the whole file), written to a temp file and renamed
 * over the original. If the file changed on disk between our read and the rename, nothing is replaced.
 */
import { createHash, randomBytes } from 'node:crypto';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isMap, parseDocument } from 'yaml';
import { PortcullisError } from '../../core/index.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

// Writes in this process go one at a time per file, so two resets never see each other as a conflict.
const queues = new Map<string, Promise<unknown>>();

/** The file's text with `username`'s password replaced; throws when the user is not in it. */
export function replacePassword(text: string, username: string, digest: string, file = 'users file'): string {
  const doc = parseDocument(text);
  if (doc.errors.length) {
    throw new PortcullisError('ERR_USERS_FILE_INVALID', `${file}: cannot parse: ${doc.errors[0]!.message}`);
  }
  const user = doc.getIn(['users', username], true);
  if (!isMap(user)) {
    throw new PortcullisError('ERR_USERS_FILE_INVALID', `${file}: user '${username}' is not in the file`);
  }
  doc.setIn(['users', username, 'password'], digest);
  return doc.toString({ lineWidth: 0 });
}

export interface WritePasswordOptions {
  readonly path: string;
  readonly username: string;
  readonly digest: string;
  /** Test seam: runs after the temp file is written, before the conflict check and rename. */
  readonly beforeRename?: (() => Promise<void>) | undefined;
}

export function writeUserPassword(opts: WritePasswordOptions): Promise<void> {
  const prev = queues.get(opts.path) ?? Promise.resolve();
  const next = prev.catch(() => undefined).then(() => writeNow(opts));
  queues.set(opts.path, next);
  next.then(
    () => queues.get(opts.path) === next && queues.delete(opts.path),
    () => queues.get(opts.path) === next && queues.delete(opts.path),
  );
  return next;
}

async function writeNow(opts: WritePasswordOptions): Promise<void> {
  const original = await readFile(opts.path, 'utf8');
  const { mode } = await stat(opts.path);
  const updated = replacePassword(original, opts.username, opts.digest, opts.path);
  const temp = join(dirname(opts.path), `.${basename(opts.path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(temp, 'wx', mode & 0o777);
  try {
    await fh.writeFile(updated, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await opts.beforeRename?.();
    const now = await readFile(opts.path, 'utf8');
    if (sha256(now) !== sha256(original)) {
      throw new PortcullisError(
        'ERR_USERS_FILE_WRITE_CONFLICT',
        `the users file '${opts.path}' changed on disk while the password of '${opts.username}' was being written; nothing was overwritten, try again`,
      );
    }
    await rename(temp, opts.path);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
}
