/** The config pipeline end to end: sources → environment → deprecations → shape → normalize → rules → frozen Config. */
import { ConfigError, type ConfigIssue } from '../core/index.js';
import { applyDeprecations, MULTI_KEY_DEPRECATED_KEYS } from './deprecations.js';
import { applyEnv } from './env.js';
import { sortIssues } from './issues.js';
import { normalize } from './normalize.js';
import { RULES } from './rules/index.js';
import { isPlainObject } from './schema/check.js';
import { checkShape, configSpec } from './schema/index.js';
import { IssueSink } from './sink.js';
import { configPaths, readSources } from './sources.js';
import type { Tree } from './tree.js';
import type { Config } from './types.js';

export type LoadResult =
  | { readonly ok: true; readonly config: Config; readonly issues: ConfigIssue[] }
  | { readonly ok: false; readonly issues: ConfigIssue[] };

function deepFreeze<V>(value: V): V {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function finish(
  tree: Tree,
  files: readonly string[],
  env: NodeJS.ProcessEnv | undefined,
  sink: IssueSink,
): LoadResult {
  if (env) applyEnv(tree, env, configSpec, sink);
  applyDeprecations(tree, sink);
  const raw = checkShape(tree, configSpec, sink, MULTI_KEY_DEPRECATED_KEYS);
  const config = normalize(raw, files, sink);
  const ctx = {
    raw,
    config,
    error: (path: string, message: string) => sink.error(path, message),
    warn: (path: string, message: string) => sink.warn(path, message),
  };
  for (const rule of RULES) rule(ctx);
  const issues = sortIssues(sink.issues);
  if (sink.hasErrors()) return { ok: false, issues };
  return { ok: true, config: deepFreeze(config), issues };
}

/**
 * Loads, merges and validates configuration files (directories contribute their *.yml/*.yaml, sorted).
 * With no files: X_AUTHELIA_CONFIG (comma-separated) from `env`, else ./configuration.yml.
 * Every issue is collected; `ok` is false when at least one is an error.
 */
export async function loadConfig(files: string[], env: NodeJS.ProcessEnv = process.env): Promise<LoadResult> {
  const sink = new IssueSink();
  const { tree, files: read } = await readSources(configPaths(files, env), sink);
  // A file that cannot be read or parsed makes every later check guesswork: report only that.
  if (sink.hasErrors()) return { ok: false, issues: sortIssues(sink.issues) };
  return finish(tree, read, env, sink);
}

/** Like loadConfig, but throws ConfigError (code ERR_CONFIG_INVALID, all issues attached) on any error. */
export async function loadConfigOrThrow(
  files: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ config: Config; warnings: ConfigIssue[] }> {
  const result = await loadConfig(files, env);
  if (!result.ok) throw new ConfigError(result.issues);
  return { config: result.config, warnings: result.issues };
}

/** Validates an already-parsed object (tests, benchmarks): no files, so issues carry no positions. */
export function configFromObject(obj: unknown, env?: NodeJS.ProcessEnv): LoadResult {
  const sink = new IssueSink();
  if (obj !== undefined && obj !== null && !isPlainObject(obj)) {
    sink.add({ path: '', severity: 'error', message: 'configuration must be a map of configuration keys' });
    return { ok: false, issues: sink.issues };
  }
  // structuredClone: the pipeline rewrites the tree in place and the caller's object must stay untouched.
  return finish(structuredClone((obj ?? {}) as Tree), [], env, sink);
}
