/** Draws a QR code as SVG rectangles (no data: URL, so the strict CSP needs no img-src exception). */

import { useMemo } from 'preact/hooks';
import qrcode from 'qrcode-generator';

export function QrCode(props: { value: string; label: string; size?: number }) {
  const path = useMemo(() => {
    const qr = qrcode(0, 'M');
    qr.addData(props.value);
    qr.make();
    const n = qr.getModuleCount();
    let d = '';
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) if (qr.isDark(r, c)) d += `M${c + 4} ${r + 4}h1v1h-1z`;
    }
    return { d, n: n + 8 };
  }, [props.value]);
  return (
    <svg
      class="qr"
      role="img"
      aria-label={props.label}
      width={props.size ?? 208}
      height={props.size ?? 208}
      viewBox={`0 0 ${path.n} ${path.n}`}
      shape-rendering="crispEdges"
    >
      <rect width={path.n} height={path.n} fill="#fff" />
      <path d={path.d} fill="#000" />
    </svg>
  );
}
