/** Page chrome: skip link, the brand, one card with the page's heading, and the footer. */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { Logo } from './logo.js';

export function Page(props: {
  title: string;
  subtitle?: string;
  wide?: boolean;
  children: ComponentChildren;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${props.title} · ${t('app.name')}`;
    // Moving focus to the heading tells screen readers the page changed.
    heading.current?.focus();
  }, [props.title]);
  return (
    <div class="shell">
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <header class="shell-head">
        <Logo />
      </header>
      <main id="main" class={props.wide ? 'card card-wide' : 'card'}>
        <h1 ref={heading} tabIndex={-1}>
          {props.title}
        </h1>
        {props.subtitle ? <p class="subtitle">{props.subtitle}</p> : null}
        {props.children}
      </main>
      <footer class="shell-foot">{t('app.footer')}</footer>
    </div>
  );
}

export function Loading() {
  return (
    <div class="shell">
      <header class="shell-head">
        <Logo />
      </header>
      <div class="card card-center" role="status" aria-live="polite">
        <span class="spinner" aria-hidden="true" />
        <span>{t('app.loading')}</span>
      </div>
    </div>
  );
}
