/** errorText turns what fetch throws into one short line an owner can act on. */
export function errorText(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; code?: string } | null;
  if (e?.name === "TimeoutError" || e?.name === "AbortError") return `no answer within ${timeoutMs / 1000}s`;
  const message = e?.message ?? String(err);
  return e?.code && !message.includes(e.code) ? `${message} (${e.code})` : message;
}
