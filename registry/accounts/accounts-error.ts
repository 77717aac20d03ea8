/**
 * AccountsError is every refusal of the accounts domain: an HTTP status (4xx), a stable code for the error
 * envelope, a message that says what went wrong and a fix that says what to do. It never carries a token or
 * a signature, so the HTTP layer may log and return it as it is.
 */
export class AccountsError extends Error {
  override name = "AccountsError";
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 429,
    readonly code: string,
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}
