/**
 * PublicError is a refusal the caller can act on: an HTTP status (4xx), a stable code, a message that says
 * what was wrong and a fix that says what to do. The HTTP layer turns it into the error envelope; anything
 * else thrown is a bug, logged with its cause and answered with a generic 500.
 */
export class PublicError extends Error {
  override name = "PublicError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fix?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
