import { toJsonSchema } from "@valibot/to-json-schema";
import { DEVICE_AUTH_HEADERS, DEVICE_SESSION_SCHEME, ErrorEnvelope, OWNER_SESSION_COOKIE, PROTOCOL_VERSION } from "../../protocol/index.ts";
import type { RouteDef } from "./route.ts";

// The OpenAPI document is generated from the same route list and valibot schemas the server validates
// with, so it cannot drift from what the registry accepts.

function schema(s: Parameters<typeof toJsonSchema>[0]): unknown {
  const json = toJsonSchema(s, { target: "openapi-3.0", errorMode: "ignore" }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

const SECURITY: Record<RouteDef["auth"], Record<string, string[]>[] | undefined> = {
  none: undefined,
  "signed-device": [{ deviceSignature: [] }],
  "device-session": [{ deviceSession: [] }],
  owner: [{ ownerSession: [] }],
  operator: [{ ownerSession: [] }],
};

export function openApiDocument(routes: readonly RouteDef[], version: string): unknown {
  const errorSchema = schema(ErrorEnvelope);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:(\w+)/g, "{$1}");
    const params = [...r.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    const errorResponses = Object.fromEntries(
      ["400", "401", "403", "404", "409", "413", "429"].map((code) => [code, { description: "refused; the envelope says why and what to do", content: { "application/json": { schema: errorSchema } } }]),
    );
    (paths[path] ??= {})[r.method.toLowerCase()] = {
      summary: r.summary,
      tags: [r.tag],
      ...(params.length ? { parameters: params } : {}),
      ...(SECURITY[r.auth] ? { security: SECURITY[r.auth] } : {}),
      ...(r.body ? { requestBody: { required: true, content: { "application/json": { schema: schema(r.body) } } } } : {}),
      responses: {
        "200": r.response ? { description: "OK", content: { "application/json": { schema: schema(r.response) } } } : { description: "OK" },
        ...errorResponses,
      },
    };
  }
  return {
    openapi: "3.0.3",
    info: {
      title: "Akash at Home registry",
      version,
      description: `Device check-in, placement, telemetry and owner APIs. Protocol version ${PROTOCOL_VERSION}. Every error is an ErrorEnvelope with a code, a message and a fix.`,
    },
    paths,
    components: {
      securitySchemes: {
        deviceSignature: {
          type: "apiKey",
          in: "header",
          name: DEVICE_AUTH_HEADERS.signature,
          description: `Ed25519 signature by the device key over "AKASH-HOME-DEVICE-V1\\nMETHOD\\nPATH\\nhex sha256(body)\\ntimestamp\\nnonce", with ${Object.values(DEVICE_AUTH_HEADERS).join(", ")}. Requests more than 5 minutes off the registry's clock, or reusing a nonce, are refused.`,
        },
        deviceSession: { type: "http", scheme: DEVICE_SESSION_SCHEME, description: "A short-lived device session from POST /api/v1/devices/session or check-in." },
        ownerSession: { type: "apiKey", in: "cookie", name: OWNER_SESSION_COOKIE, description: "Set by POST /api/v1/auth/verify after an ADR-36 wallet signature." },
      },
    },
  };
}
