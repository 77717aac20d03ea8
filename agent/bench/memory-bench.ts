// Memory bandwidth: copy one large buffer into another, as STREAM's "Copy" kernel does.

/** BUFFER_BYTES per buffer; two of them (128 MiB) are well past any desktop CPU's last-level cache. */
const BUFFER_BYTES = 64 * 1024 * 1024;

/**
 * measureMemoryBandwidth copies a 64 MiB buffer into another until durationMs have passed and returns
 * MB/s (10^6 bytes) of bytes read plus bytes written, the way STREAM counts its Copy kernel.
 */
export function measureMemoryBandwidth(durationMs: number, bufferBytes = BUFFER_BYTES): number {
  const src = new Uint8Array(bufferBytes);
  const dst = new Uint8Array(bufferBytes);
  // Touch every page first so page faults are not counted as bandwidth.
  src.fill(0x5a);
  dst.fill(0xa5);
  const start = performance.now();
  const end = start + durationMs;
  let copies = 0;
  let now = start;
  do {
    dst.set(src);
    copies++;
    now = performance.now();
  } while (now < end);
  if (dst[bufferBytes - 1] !== 0x5a) throw new Error("memory benchmark copy went wrong");
  return (2 * bufferBytes * copies) / 1e6 / ((now - start) / 1000);
}
