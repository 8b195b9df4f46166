/** Registers every command; heavy implementations are imported lazily inside each action. */
import type { Command } from 'commander';
import { defineAccessControlCommands } from './access-control.js';
import { defineAuditCommands } from './audit.js';
import { defineBanCommands } from './bans.js';
import { defineConfigCommands } from './config.js';
import { defineCryptoCommands } from './crypto.js';
import { defineDemo } from './demo.js';
import { defineServe } from './serve.js';
import { defineSessionCommands } from './sessions.js';
import { defineStackCommands } from './stack.js';
import { defineStorageCommands } from './storage.js';
import { defineStorageImport } from './storage-import.js';

export function defineCommands(program: Command): void {
  defineServe(program);
  defineConfigCommands(program);
  defineCryptoCommands(program);
  defineAccessControlCommands(program);
  defineDemo(program);
  defineAuditCommands(program);
  defineBanCommands(program);
  defineSessionCommands(program);
  defineStorageCommands(program);
  defineStorageImport(program);
  defineStackCommands(program);
}
