import { readFile } from "node:fs/promises";

// The transport to one Headscale's REST API (v0.29: the grpc-gateway under /api/v1, Bearer API key). It
// turns every failure into a HeadscaleError whose message says what to do, and never puts the API key,
// or any pre-auth key, in a message: errors end up in logs.

export interface HeadscaleEndpoint {
  /** Headscale's server URL, e.g. https://hs.example.net (the region's headscale.url). */
  url: string;
  /** A file holding an API key made with `headscale apikeys create` (the region's headscale.apiKeyFile). */
  apiKeyFile: string;
  /** Per-request limit; default 10 s. */
  timeoutMs?: number;
}

/** HeadscaleError is a failed API call: status is the HTTP status, 0 when Headscale could not be reached. */
export class HeadscaleError extends Error {
  override name = "HeadscaleError";
  constructor(
    message: string,
    readonly status: number,
    /** Headscale's own words (the gRPC status message), for matching "not found" and the like. */
    readonly detail: string,
  ) {
    super(message);
  }
}

/** HeadscaleApi sends JSON requests to Headscale with the API key read from its file on each call. */
export class HeadscaleApi {
  private readonly base: string;
  private readonly timeoutMs: number;

  constructor(private readonly endpoint: HeadscaleEndpoint) {
    this.base = endpoint.url.replace(/\/+$/, "");
    this.timeoutMs = endpoint.timeoutMs ?? 10_000;
  }

  get url(): string {
    return this.base;
  }

  /** request calls `method path` and returns the parsed JSON body; what names the operation in errors. */
  async request<T>(what: string, method: string, path: string, body?: unknown): Promise<T> {
    // Read per call, so a rotated key takes effect without a restart.
    const apiKey = await this.apiKey();
    let response: Response;
    try {
      response = await fetch(this.base + path, {
        method,
        headers: { authorization: `Bearer ${apiKey}`, accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: "error",
      });
    } catch (err) {
      const reason = err instanceof Error && err.name === "TimeoutError" ? `no answer within ${this.timeoutMs} ms` : networkReason(err);
      throw new HeadscaleError(`cannot reach Headscale at ${this.base} to ${what} (${reason}): check the region's headscale.url and that Headscale is running`, 0, reason);
    }
    const text = await response.text();
    if (response.ok) return (text === "" ? {} : JSON.parse(text)) as T;
    const detail = gatewayMessage(text);
    throw new HeadscaleError(describeFailure(what, response.status, detail, this.base, this.endpoint.apiKeyFile), response.status, detail);
  }

  private async apiKey(): Promise<string> {
    let key: string;
    try {
      key = (await readFile(this.endpoint.apiKeyFile, "utf8")).trim();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      throw new HeadscaleError(
        `cannot read the Headscale API key file ${this.endpoint.apiKeyFile} (${code}): create a key with \`headscale apikeys create --expiration 90d\` and write it there (mode 0600)`,
        0,
        code,
      );
    }
    if (key === "" || /\s/.test(key)) {
      throw new HeadscaleError(`the Headscale API key file ${this.endpoint.apiKeyFile} does not hold one key: write only the key \`headscale apikeys create\` printed`, 0, "bad key file");
    }
    return key;
  }
}

/** gatewayMessage is the message of a grpc-gateway error body ({"code":5,"message":"…"}), else the text itself. */
function gatewayMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === "string") return parsed.message;
  } catch {
    // Not JSON: the auth middleware answers plain "Unauthorized".
  }
  return text.trim().slice(0, 300);
}

function describeFailure(what: string, status: number, detail: string, base: string, apiKeyFile: string): string {
  if (status === 401 || status === 403) {
    return `Headscale at ${base} refused the registry's API key (${status}) to ${what}: the key in ${apiKeyFile} is wrong, expired or deleted; make a new one with \`headscale apikeys create --expiration 90d\` and write it there`;
  }
  if (status === 404 && detail === "404 page not found") {
    return `Headscale at ${base} has no API route to ${what} (404): the registry needs Headscale v0.29 (its /api/v1 REST API); check the region's headscale.url`;
  }
  if (status >= 400 && status < 500) return `Headscale refused to ${what} (${status}): ${detail}`;
  return `Headscale at ${base} failed to ${what} (${status}): ${detail || "no detail"}; see Headscale's log`;
}

function networkReason(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return e.code ?? e.message?.split("\n")[0] ?? String(err);
}
