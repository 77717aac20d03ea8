/** QrCodeProps: the code's modules (true = dark), row by row, quiet zone included, and what it encodes. */
export interface QrCodeProps {
  modules: readonly (readonly boolean[])[];
  label: string;
}

/** QrCode draws a QR code as one SVG path, dark modules on white, crisp at any size (for a phone's camera). */
export function QrCode({ modules, label }: QrCodeProps): JSX.Element {
  const size = modules.length;
  const d: string[] = [];
  modules.forEach((row, y) => {
    // Neighbouring dark modules in a row become one rectangle: a shorter path, the same code.
    let x = 0;
    while (x < row.length) {
      if (!row[x]) {
        x++;
        continue;
      }
      const start = x;
      while (x < row.length && row[x]) x++;
      d.push(`M${start} ${y}h${x - start}v1h-${x - start}z`);
    }
  });
  return (
    <svg class="qr" viewBox={`0 0 ${size} ${size}`} role="img" aria-label={label} shape-rendering="crispEdges">
      <rect width={String(size)} height={String(size)} fill="#ffffff" />
      <path class="qr-dark" d={d.join("")} />
    </svg>
  );
}
