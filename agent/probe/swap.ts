// Swap size from /proc/meminfo: the kernel's own count, right even when systeminformation is not.

/** swapFromMeminfo reads SwapTotal (kB) in bytes; null when the line is missing. */
export function swapFromMeminfo(meminfo: string): number | null {
  const m = /^SwapTotal:\s+(\d+)\s*kB/m.exec(meminfo);
  return m ? Number(m[1]) * 1024 : null;
}
