/**
 * A small Caddyfile reader (directives, blocks, snippets, `import`). Caddy ships no maintained JavaScript parser —
 * its own parser is Go inside the caddy binary — so this tokenizer follows the documented Caddyfile lexical rules.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Sink } from './findings.js';
import type { Directive } from './types.js';

interface Token {
  text: string;
  line: number;
  /** Quoted tokens are never braces. */
  quoted: boolean;
}

/** Lines of tokens: a Caddyfile directive ends at the end of its line. */
export function tokenizeCaddy(text: string): Token[][] {
  const lines: Token[][] = [];
  let cur: Token[] = [];
  let line = 1;
  let i = 0;
  const endLine = () => {
    if (cur.length) lines.push(cur);
    cur = [];
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '\n') {
      endLine();
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') i++;
    else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '"' || c === '`') {
      const start = line;
      let s = '';
      i++;
      while (i < text.length && text[i] !== c) {
        if (c === '"' && text[i] === '\\' && text[i + 1] === '"') i++;
        if (text[i] === '\n') line++;
        s += text[i];
        i++;
      }
      i++;
      cur.push({ text: s, line: start, quoted: true });
    } else {
      let s = '';
      while (i < text.length && !/\s/.test(text[i] as string)) s += text[i++];
      // A trailing backslash continues the directive on the next line.
      if (s === '\\') {
        while (i < text.length && text[i] !== '\n') i++;
        i++;
        line++;
        continue;
      }
      cur.push({ text: s, line, quoted: false });
    }
  }
  endLine();
  return lines;
}

function parseLines(lines: Token[][], file: string, sink: Sink): Directive[] {
  let i = 0;
  const block = (depth: number, openLine: number): Directive[] => {
    const out: Directive[] = [];
    while (i < lines.length) {
      const toks = lines[i++] as Token[];
      const first = toks[0] as Token;
      if (!first.quoted && first.text === '}' && toks.length === 1) {
        if (depth > 0) return out;
        sink.add(...unbalanced(file, first.line, 'a } closes nothing'));
        continue;
      }
      const last = toks[toks.length - 1] as Token;
      const opens = !last.quoted && last.text === '{';
      const words = (opens ? toks.slice(0, -1) : toks).map((t) => t.text);
      if (opens) {
        const inner = block(depth + 1, last.line);
        out.push({ name: words[0] ?? '', args: words.slice(1), file, line: first.line, block: inner });
      } else
        out.push({ name: words[0] ?? '', args: words.slice(1), file, line: first.line, block: undefined });
    }
    if (depth > 0) sink.add(...unbalanced(file, openLine, 'this { is never closed'));
    return out;
  };
  return block(0, 1);
}

function unbalanced(file: string, line: number, what: string) {
  return [
    'stack.unparsable',
    'medium',
    { file, line },
    basename(file),
    `Caddyfile braces do not balance: ${what}`,
    'caddy refuses to load a Caddyfile whose blocks do not balance, and the audit may misread the sites after it',
    'balance the braces; a { must end its line and a } must stand on its own line',
  ] as const;
}

export interface CaddySite {
  readonly addresses: readonly string[];
  readonly file: string;
  readonly line: number;
  /** The site's directives with `import` of snippets already expanded. */
  readonly body: readonly Directive[];
}

/** Parses a Caddyfile into its sites; the global options block and snippet definitions are not sites. */
export function parseCaddyfile(text: string, file: string, sink: Sink): CaddySite[] {
  const top = parseLines(tokenizeCaddy(text), file, sink);
  const snippets = new Map<string, readonly Directive[]>();
  for (const d of top) {
    const m = /^\((.+)\)$/.exec(d.name);
    if (m?.[1] && d.block) snippets.set(m[1], d.block);
  }
  const expand = (ds: readonly Directive[], depth: number): Directive[] =>
    ds.flatMap((d) => {
      const snip = d.name === 'import' ? snippets.get(d.args[0] ?? '') : undefined;
      if (snip && depth < 10) return expand(snip, depth + 1);
      return [d.block ? { ...d, block: expand(d.block, depth) } : d];
    });
  const sites: CaddySite[] = [];
  top.forEach((d, idx) => {
    if (/^\(.+\)$/.test(d.name)) return;
    if (d.name === '' && idx === 0 && d.block) return; // global options
    if (!d.block) return;
    const addresses = [d.name, ...d.args].flatMap((a) => a.split(',')).filter(Boolean);
    sites.push({ addresses, file, line: d.line, body: expand(d.block, 0) });
  });
  // A Caddyfile with a single site may omit the braces: the first line is the address, the rest its body.
  if (sites.length === 0 && top.length > 1 && !top.some((d) => d.block && d.name !== '')) {
    const [head, ...rest] = top as [Directive, ...Directive[]];
    sites.push({ addresses: [head.name, ...head.args], file, line: head.line, body: expand(rest, 0) });
  }
  return sites;
}

export function readCaddyfile(file: string, sink: Sink): CaddySite[] {
  return parseCaddyfile(readFileSync(file, 'utf8'), file, sink);
}

/** Every directive in a tree, depth first (handle/route blocks nest the real work). */
export function walk(ds: readonly Directive[]): Directive[] {
  return ds.flatMap((d) => [d, ...(d.block ? walk(d.block) : [])]);
}
