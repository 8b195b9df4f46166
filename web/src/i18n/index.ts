/** The one place text comes from: `t(key, vars)` looks the key up in the active locale and fills `{name}` slots. */
import { en, type MessageKey } from './en.js';

export type { MessageKey };
export type Messages = { readonly [K in MessageKey]: string };

const LOCALES: Record<string, Messages> = { en };
let active: Messages = en;
let activeLang = 'en';

/** Picks the first supported language of the browser's list; English otherwise. */
export function selectLocale(languages: readonly string[]): string {
  for (const l of languages) {
    const base = l.toLowerCase().split('-')[0]!;
    if (LOCALES[base]) {
      active = LOCALES[base]!;
      activeLang = base;
      return base;
    }
  }
  active = en;
  activeLang = 'en';
  return 'en';
}

export function lang(): string {
  return activeLang;
}

export function t(key: MessageKey, vars?: Record<string, string | number>): string {
  const text = active[key] ?? en[key];
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** Dates in the user's language, e.g. "22 Nov 2026, 10:53". */
export function formatDate(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleString(activeLang, { dateStyle: 'medium', timeStyle: 'short' });
}
