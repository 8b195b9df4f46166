/** Registers every command; heavy implementations are imported lazily inside each action. */
import type { Command } from 'commander';
import { defineConfigCommands } from './config.js';
import { defineServe } from './serve.js';

export function defineCommands(program: Command): void {
  defineServe(program);
  defineConfigCommands(program);
}
