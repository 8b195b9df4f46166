/** A tiny history-API router: the route is the path after the server's sub-path, plus the query string. */
import { useEffect, useState } from 'preact/hooks';

let base = '';
const listeners = new Set<() => void>();

export function setRouterBase(path: string): void {
  base = path.replace(/\/+$/, '');
}

/** The app path for a browser pathname: '/authelia/settings' → '/settings' under base '/authelia'. */
export function appPath(pathname: string, basePath = base): string {
  if (basePath && (pathname === basePath || pathname.startsWith(`${basePath}/`))) {
    return pathname.slice(basePath.length) || '/';
  }
  return pathname || '/';
}

export function href(path: string): string {
  return `${base}${path}`;
}

export function navigate(path: string, opts: { replace?: boolean } = {}): void {
  const url = href(path);
  if (opts.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  for (const l of listeners) l();
  window.scrollTo(0, 0);
}

export interface Route {
  readonly path: string;
  readonly query: URLSearchParams;
}

function current(): Route {
  return { path: appPath(location.pathname), query: new URLSearchParams(location.search) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const update = () => setRoute(current());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return route;
}

/** Keeps Authelia's `rd` (target URL) and `rm` (request method) across portal pages. */
export function withTarget(path: string, query: URLSearchParams): string {
  const keep = new URLSearchParams();
  for (const k of ['rd', 'rm']) {
    const v = query.get(k);
    if (v) keep.set(k, v);
  }
  const qs = keep.toString();
  return qs ? `${path}?${qs}` : path;
}

/** The host part of a target URL for messages ("Continue to app.example.com"). */
export function hostOf(url: string | undefined | null): string {
  if (!url) return '';
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}
