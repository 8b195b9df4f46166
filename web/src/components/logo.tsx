/** The Portcullis mark (a gate grille under an arch) and word mark, as inline SVG. */
import { t } from '../i18n/index.js';

export function Logo({ size = 44 }: { size?: number }) {
  return (
    <div class="brand">
      <svg
        class="brand-mark"
        width={size}
        height={size}
        viewBox="0 0 64 64"
        aria-hidden="true"
        focusable="false"
      >
        <rect width="64" height="64" rx="16" class="brand-bg" />
        <path d="M15 53V27a17 17 0 0 1 34 0v26" class="brand-arch" />
        <path d="M24 19.5V53M32 13v40M40 19.5V53M18 33h28M18 44h28" class="brand-bars" />
        <path d="M21 53l3 4 3-4M29 53l3 4 3-4M37 53l3 4 3-4" class="brand-spikes" />
      </svg>
      <span class="brand-name">{t('app.name')}</span>
    </div>
  );
}
