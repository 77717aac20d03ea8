// tests/api/support: what the API tests share — device requests, fast-check arbitraries built from the
// registry's OpenAPI document, and the fuzz test's request plans. Test-only: it may import protocol/, the
// registry's test fixtures and tests/support; nothing outside tests/api imports it.
//
// This file: device requests as the agent makes them — signed with the device key (protocol/device-client.ts's
// signedHeaders) or carrying the session a check-in returned — with the knobs the API tests turn: the clock,
// the nonce (by replaying headers), a body or path other than the one signed.
import { randomUUID } from "node:crypto";
import { DEVICE_SESSION_SCHEME, REGISTRY_API, signedHeaders, type CheckInRequest, type CheckInResponse, type TelemetryRecord } from "../../../protocol/index.ts";
import { checkInBody, testDeviceKey, type TestDeviceKey } from "../../../registry/devices/testing.ts";

const encoder = new TextEncoder();

export interface ApiDevice {
  key: TestDeviceKey;
  /** The machine this device claims to run on (hashed into machineIdHash). */
  machine: string;
}

export function newDevice(machine = randomUUID()): ApiDevice {
  return { key: testDeviceKey(), machine };
}

export interface SignOptions {
  /** The clock the signature claims (default now). */
  now?: number;
  /** Sign these bytes instead of the body that is sent. */
  signedBody?: Uint8Array<ArrayBuffer>;
  /** Sign this path instead of the one requested. */
  signedPath?: string;
}

/** signFor makes the four signature headers of one request. */
export async function signFor(device: ApiDevice, method: string, path: string, body: Uint8Array<ArrayBuffer>, opts: SignOptions = {}): Promise<Record<string, string>> {
  return signedHeaders(device.key, method, opts.signedPath ?? path, opts.signedBody ?? body, opts.now ?? Date.now());
}

/** signedFetch sends a request signed by the device key; headers (e.g. a replayed set) replace the fresh ones. */
export async function signedFetch(baseUrl: string, device: ApiDevice, method: string, path: string, body?: unknown, opts: SignOptions & { headers?: Record<string, string> } = {}): Promise<Response> {
  const bytes = body === undefined ? new Uint8Array(0) : typeof body === "string" ? encoder.encode(body) : encoder.encode(JSON.stringify(body));
  const headers = opts.headers ?? (await signFor(device, method, path, bytes, opts));
  return fetch(baseUrl + path, { method, headers: { "content-type": "application/json", ...headers }, body: method === "GET" ? undefined : bytes });
}

/** checkInRequest is a normal check-in body for this device. */
export function checkInRequest(device: ApiDevice, claimCode: string | null, over: Partial<CheckInRequest> = {}): CheckInRequest {
  return checkInBody({ claimCode, machine: device.machine, rtts: [{ regionId: "test-west", rttMs: 12, error: null }], ...over });
}

/** checkIn checks the device in and returns the registry's answer, failing loudly when it is refused. */
export async function checkIn(baseUrl: string, device: ApiDevice, claimCode: string | null, over: Partial<CheckInRequest> = {}): Promise<CheckInResponse> {
  const res = await signedFetch(baseUrl, device, "POST", REGISTRY_API.checkIn, checkInRequest(device, claimCode, over));
  if (res.status !== 200) throw new Error(`check-in refused: ${res.status} ${await res.text()}`);
  return (await res.json()) as CheckInResponse;
}

/** sessionFetch sends a request with a device session credential. */
export function sessionFetch(baseUrl: string, token: string, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(baseUrl + path, {
    method,
    headers: { authorization: `${DEVICE_SESSION_SCHEME} ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

export function heartbeat(seq: number, over: Partial<Extract<TelemetryRecord, { kind: "heartbeat" }>> = {}): TelemetryRecord {
  return { kind: "heartbeat", seq, at: new Date().toISOString(), paused: false, tailscale: { state: "running", ip: "100.64.0.1" }, kubelet: { state: "running" }, agentVersion: "1.0.0", ...over };
}

export function metrics(seq: number): TelemetryRecord {
  return { kind: "metrics", seq, at: new Date().toISOString(), cpuPercent: 12.5, memoryUsedBytes: 2 ** 32, memoryTotalBytes: 2 ** 36, gpus: [], pods: 3 };
}
