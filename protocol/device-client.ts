import * as v from "valibot";
import { CheckInResponse, DeviceSession, type CheckInRequest } from "./check-in.ts";
import { DEVICE_AUTH_HEADERS, DEVICE_SESSION_SCHEME, signedRequestPayload } from "./device-auth.ts";
import { DeviceView } from "./device-state.ts";
import { ErrorEnvelope } from "./error-envelope.ts";
import { REGISTRY_API } from "./registry-api.ts";
import { RegistryUnreachable, fetchRegistry } from "./registry-client.ts";
import { JoinCredentials, LeaveResult } from "./join.ts";
import { TelemetryAck, type TelemetryBatch } from "./telemetry.ts";

// The device's side of the registry API: signed requests with the device key, and the short-lived
// session they obtain for telemetry. Web APIs only (fetch, WebCrypto), so it runs in the agent as is.

/** DeviceSigner is the device key as the client needs it. */
export interface DeviceSigner {
  /** Raw Ed25519 public key, base64url. */
  publicKey: string;
  sign(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array>;
}

/** RegistryRefused is a 4xx from the registry: it understood the request and said no, with a reason and a fix. */
export class RegistryRefused extends Error {
  override name = "RegistryRefused";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fix: string | null,
  ) {
    super(message);
  }
}

export interface DeviceRegistryClient {
  readonly baseUrl: string;
  checkIn(req: CheckInRequest): Promise<CheckInResponse>;
  openSession(): Promise<DeviceSession>;
  self(sessionToken: string): Promise<DeviceView>;
  sendTelemetry(sessionToken: string, batch: TelemetryBatch): Promise<v.InferOutput<typeof TelemetryAck>>;
  /** join asks for this device's join credentials; they are secrets: never log them. */
  join(): Promise<JoinCredentials>;
  pause(paused: boolean): Promise<DeviceView>;
  leave(): Promise<LeaveResult>;
}

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** signedHeaders are the headers that prove a request came from the device key. */
export async function signedHeaders(signer: DeviceSigner, method: string, pathWithQuery: string, body: Uint8Array<ArrayBuffer>, now = Date.now()): Promise<Record<string, string>> {
  const timestamp = String(now);
  const nonce = base64url(crypto.getRandomValues(new Uint8Array(16)));
  const payload = signedRequestPayload(method, pathWithQuery, await sha256Hex(body), timestamp, nonce);
  const signature = await signer.sign(encoder.encode(payload));
  return {
    [DEVICE_AUTH_HEADERS.key]: signer.publicKey,
    [DEVICE_AUTH_HEADERS.timestamp]: timestamp,
    [DEVICE_AUTH_HEADERS.nonce]: nonce,
    [DEVICE_AUTH_HEADERS.signature]: base64url(signature),
  };
}

export function createDeviceRegistryClient(baseUrl: string, signer: DeviceSigner, timeoutMs = 15_000): DeviceRegistryClient {
  const base = baseUrl.replace(/\/+$/, "");

  async function call<T>(method: "GET" | "POST", path: string, schema: v.GenericSchema<unknown, T>, opts: { body?: unknown; signed?: boolean; session?: string }): Promise<T> {
    const body = opts.body === undefined ? new Uint8Array(0) : encoder.encode(JSON.stringify(opts.body));
    const headers: Record<string, string> = { accept: "application/json" };
    if (opts.body !== undefined) headers["content-type"] = "application/json";
    if (opts.signed) Object.assign(headers, await signedHeaders(signer, method, path, body));
    if (opts.session) headers.authorization = `${DEVICE_SESSION_SCHEME} ${opts.session}`;
    const res = await fetchRegistry(base, path, { method, headers, body: method === "GET" ? undefined : body }, timeoutMs);
    const json = await res.json().catch(() => null);
    if (res.status >= 400 && res.status < 500) {
      const env = v.safeParse(ErrorEnvelope, json);
      if (env.success) throw new RegistryRefused(res.status, env.output.error.code, env.output.error.message, env.output.error.fix ?? null);
      throw new RegistryRefused(res.status, "refused", `registry at ${base} refused ${path} (${res.status})`, null);
    }
    if (!res.ok) throw new RegistryUnreachable(`registry at ${base} answered ${res.status} for ${path}`);
    const parsed = v.safeParse(schema, json);
    if (!parsed.success) throw new RegistryUnreachable(`registry at ${base} sent an answer to ${path} this agent does not understand`);
    return parsed.output;
  }

  return {
    baseUrl: base,
    checkIn: (req) => call("POST", REGISTRY_API.checkIn, CheckInResponse, { body: req, signed: true }),
    openSession: () => call("POST", REGISTRY_API.deviceSession, DeviceSession, { signed: true }),
    self: (session) => call("GET", REGISTRY_API.deviceSelf, DeviceView, { session }),
    sendTelemetry: (session, batch) => call("POST", REGISTRY_API.telemetry, TelemetryAck, { body: batch, session }),
    join: () => call("POST", REGISTRY_API.deviceJoin, JoinCredentials, { signed: true }),
    pause: (paused) => call("POST", REGISTRY_API.devicePause, DeviceView, { body: { paused }, signed: true }),
    leave: () => call("POST", REGISTRY_API.deviceLeave, LeaveResult, { signed: true }),
  };
}
