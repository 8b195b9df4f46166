/**
 * A small nginx configuration reader with `include` (relative paths and `*` globs). There is no maintained JavaScript
 * nginx parser (crossplane is Python), so this tokenizer follows nginx's own rules: words, quotes, `;`, `{`, `}`, `#`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { Sink } from './findings.js';
import type { Directive } from './types.js';

interface Token {
  text: string;
  line: number;
  quoted: boolean;
}

export function tokenizeNginx(text: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) i++;
    else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === ';' || c === '{' || c === '}') {
      out.push({ text: c, line, quoted: false });
      i++;
    } else if (c === '"' || c === "'") {
      const start = line;
      let s = '';
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\') s += text[i++];
        if (text[i] === '\n') line++;
        s += text[i++] ?? '';
      }
      i++;
      out.push({ text: s, line: start, quoted: true });
    } else {
      let s = '';
      // `${var}` may hold braces that are not blocks.
      while (i < text.length && !/[\s;{}]/.test(text[i] as string)) {
        if (text[i] === '$' && text[i + 1] === '{') {
          const end = text.indexOf('}', i);
          s += text.slice(i, end + 1);
          i = end + 1;
        } else s += text[i++];
      }
      out.push({ text: s, line, quoted: false });
    }
  }
  return out;
}

/** Parses one nginx file, expanding `include` relative to `root` (the directory of the top file). */
export function parseNginx(
  text: string,
  file: string,
  root: string,
  sink: Sink,
  seen = new Set<string>(),
): Directive[] {
  const toks = tokenizeNginx(text);
  let i = 0;
  const fail = (line: number, what: string) =>
    sink.add(
      'stack.unparsable',
      'medium',
      { file, line },
      basename(file),
      `nginx syntax: ${what}`,
      'nginx refuses to start with this file, and the audit may misread what follows',
      'fix the syntax; `nginx -t` shows the same place',
    );
  const block = (depth: number, openLine: number): Directive[] => {
    const out: Directive[] = [];
    let words: Token[] = [];
    while (i < toks.length) {
      const t = toks[i++] as Token;
      if (!t.quoted && t.text === ';') {
        const [head, ...rest] = words;
        if (head) {
          const d: Directive = {
            name: head.text,
            args: rest.map((w) => w.text),
            file,
            line: head.line,
            block: undefined,
          };
          out.push(...(d.name === 'include' ? include(d, root, sink, seen) : [d]));
        }
        words = [];
      } else if (!t.quoted && t.text === '{') {
        const [head, ...rest] = words;
        const inner = block(depth + 1, t.line);
        out.push({
          name: head?.text ?? '',
          args: rest.map((w) => w.text),
          file,
          line: head?.line ?? t.line,
          block: inner,
        });
        words = [];
      } else if (!t.quoted && t.text === '}') {
        if (words.length) fail(t.line, `'${words[0]?.text}' is missing its ;`);
        if (depth > 0) return out;
        fail(t.line, 'a } closes nothing');
        words = [];
      } else words.push(t);
    }
    if (words.length) fail(words[0]?.line ?? 1, `'${words[0]?.text}' is missing its ;`);
    if (depth > 0) fail(openLine, 'this { is never closed');
    return out;
  };
  return block(0, 1);
}

function include(d: Directive, root: string, sink: Sink, seen: Set<string>): Directive[] {
  const pattern = d.args[0] ?? '';
  const abs = isAbsolute(pattern) ? pattern : resolve(root, pattern);
  const files = expandGlob(abs);
  if (files.length === 0 && !pattern.includes('*')) {
    sink.add(
      'nginx.include-missing',
      'low',
      d,
      pattern,
      `include ${pattern}: no such file (looked in ${dirname(abs)})`,
      'nginx -t fails on a missing include; whatever it held (often the auth snippet) is not audited',
      'fix the path, or copy the included file next to the configuration so it can be audited',
    );
  }
  return files.flatMap((f) => {
    if (seen.has(f)) return [];
    const next = new Set(seen).add(f);
    try {
      return parseNginx(readFileSync(f, 'utf8'), f, root, sink, next);
    } catch {
      return [];
    }
  });
}

/** Expands `*` and `?` in the last path segment, the way nginx includes are usually written. */
function expandGlob(path: string): string[] {
  if (!/[*?]/.test(path)) return existsSync(path) && statSync(path).isFile() ? [path] : [];
  const dir = dirname(path);
  if (/[*?]/.test(dir) || !existsSync(dir)) return [];
  const re = new RegExp(
    `^${basename(path)
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return readdirSync(dir)
    .filter((n) => re.test(n))
    .sort()
    .map((n) => join(dir, n))
    .filter((f) => statSync(f).isFile());
}

export function readNginx(file: string, sink: Sink): Directive[] {
  return parseNginx(readFileSync(file, 'utf8'), file, dirname(resolve(file)), sink, new Set([resolve(file)]));
}
