/** `portcullis sessions`: list who is signed in, and revoke sessions on every instance (Redis or SQL). */
import type { Config } from '../config/index.js';
import { silentLogger, systemClock } from '../core/index.js';
import type { UserSession } from '../session/index.js';
import { openMonitoringStorage } from './monitoring.js';
import { openSessionStore } from './session-store.js';

export async function openSessionAdmin(config: Config) {
  const storage = await openMonitoringStorage(config);
  let opened: Awaited<ReturnType<typeof openSessionStore>>;
  try {
    opened = await openSessionStore(config, storage, systemClock, silentLogger);
  } catch (e) {
    await storage.close();
    throw e;
  }
  const { store } = opened;
  const revokeUser = async (username: string): Promise<number> => {
    const count = await store.deleteByUser(username);
    if (count > 0) {
      await storage.record({
        type: 'session.revoked',
        at: systemClock.now(),
        username,
        detail: { reason: 'cli', count },
      });
    }
    return count;
  };
  return {
    list: (username?: string): Promise<UserSession[]> =>
      store.list(username === undefined ? {} : { username }),
    revokeUser,
    /** Every session there is now, user by user (each user's revocation is one atomic delete). */
    async revokeAll(): Promise<{ users: number; sessions: number }> {
      const names = [...new Set((await store.list()).map((s) => s.username))];
      let sessions = 0;
      for (const name of names) sessions += await revokeUser(name);
      return { users: names.length, sessions };
    },
    async close() {
      await opened.close();
      await storage.close();
    },
  };
}
