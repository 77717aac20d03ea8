// agent/local-api: the daemon's JSON API for its own CLI, on a unix socket in the 0700 state dir.
// Thin handlers over AgentBackend; it must not import the web UI.
import { chmodSync, existsSync, rmSync } from "node:fs";
import * as v from "valibot";
import { DownRequest, LOCAL_API, UpRequest, errorEnvelope, type LocalStatus, type UpEvent } from "../../protocol/index.ts";
import type { AgentBackend } from "../backend/agent-backend.ts";
import type { SetupGate } from "../backend/setup-gate.ts";
import { StepError } from "../backend/step-error.ts";
import { LOCAL_API_HOST } from "./local-api-host.ts";

const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
};

function json(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: SECURITY_HEADERS });
}

function fail(status: number, code: string, message: string, fix?: string): Response {
  return json(errorEnvelope(code, message, fix), status);
}

async function readBody<S extends v.GenericSchema>(req: Request, schema: S): Promise<v.InferOutput<S> | Response> {
  const text = await req.text();
  let raw: unknown = {};
  if (text.trim() !== "") {
    try {
      raw = JSON.parse(text);
    } catch {
      return fail(400, "bad_json", "the request body is not JSON");
    }
  }
  const parsed = v.safeParse(schema, raw);
  if (!parsed.success) return fail(400, "bad_request", parsed.issues.map((i) => i.message).join("; "));
  return parsed.output;
}

function stepFailure(err: unknown): Response {
  if (err instanceof StepError) return fail(409, "step_failed", err.message, err.fix ?? undefined);
  throw err;
}

/** streamUp answers `up` as NDJSON so the CLI can print progress as it happens. */
function streamUp(backend: AgentBackend, req: UpRequest): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (e: UpEvent) => controller.enqueue(encoder.encode(JSON.stringify(e) + "\n"));
      try {
        const status = await backend.up(req, send);
        send({ type: "done", status });
      } catch (err) {
        if (err instanceof StepError) send({ type: "error", step: err.step, message: err.message, fix: err.fix });
        else send({ type: "error", step: backend.status().setupStep, message: (err as Error)?.message ?? String(err), fix: null });
      }
      controller.close();
    },
  });
  return new Response(body, { headers: { ...SECURITY_HEADERS, "content-type": "application/x-ndjson" } });
}

/** handleLocalApi routes one CLI request; exported for in-process tests. */
export async function handleLocalApi(req: Request, backend: AgentBackend, gate: SetupGate): Promise<Response> {
  if (req.headers.has("origin") || req.headers.has("referer") || req.headers.get("host") !== LOCAL_API_HOST) {
    return fail(403, "forbidden", "invalid local API request");
  }
  const path = new URL(req.url).pathname;
  const route = `${req.method} ${path}`;
  try {
    switch (route) {
      case `GET ${LOCAL_API.status}`: {
        const status: LocalStatus = { ...backend.status(), setupCode: gate.currentCode() ?? gate.renewCode() };
        return json(status);
      }
      case `POST ${LOCAL_API.up}`: {
        const body = await readBody(req, UpRequest);
        return body instanceof Response ? body : streamUp(backend, body);
      }
      case `POST ${LOCAL_API.pause}`:
        return json(await backend.pause());
      case `POST ${LOCAL_API.resume}`:
        return json(await backend.resume());
      case `POST ${LOCAL_API.down}`: {
        const body = await readBody(req, DownRequest);
        return body instanceof Response ? body : json(await backend.down());
      }
      default:
        return fail(404, "not_found", `no local API route ${route}`);
    }
  } catch (err) {
    return stepFailure(err);
  }
}

/** socketIsLive says whether an agent answers on socketPath; a socket file left by a crash does not. */
export async function socketIsLive(socketPath: string): Promise<boolean> {
  if (!existsSync(socketPath)) return false;
  try {
    await fetch(`http://${LOCAL_API_HOST}/`, { unix: socketPath, signal: AbortSignal.timeout(1000) } as RequestInit);
    return true;
  } catch {
    return false;
  }
}

/**
 * startLocalApi listens on socketPath (mode 0600), replacing a stale socket left by a crash.
 * The caller checks socketIsLive first: a live socket belongs to another agent and must not be taken.
 */
export function startLocalApi(socketPath: string, backend: AgentBackend, gate: SetupGate, log: (e: string, f?: Record<string, unknown>) => void) {
  if (existsSync(socketPath)) rmSync(socketPath);
  const server = Bun.serve({
    unix: socketPath,
    fetch: (req) =>
      handleLocalApi(req, backend, gate).catch((err: unknown) => {
        log("local api error", { error: (err as Error)?.message ?? String(err) });
        return fail(500, "internal", "the agent hit an unexpected error; see its log");
      }),
  });
  chmodSync(socketPath, 0o600);
  return {
    stop() {
      server.stop(true);
      rmSync(socketPath, { force: true });
    },
  };
}
