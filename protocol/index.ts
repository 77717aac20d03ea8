// protocol: the contract between the agent, its CLI, its page and the registry.
// Valibot schemas and the types inferred from them, route paths and the error envelope.
// Imports only valibot: both binaries' roles and every view depend on it, it depends on nothing of ours.
export * from "./version.ts";
export * from "./error-envelope.ts";
export * from "./hardware.ts";
export * from "./checks.ts";
export * from "./bench.ts";
export * from "./share.ts";
export * from "./agent-status.ts";
export * from "./local-api.ts";
export * from "./registry-api.ts";
export * from "./registry-client.ts";
export * from "./device-state.ts";
export * from "./device-auth.ts";
export * from "./check-in.ts";
export * from "./join.ts";
export * from "./telemetry.ts";
export * from "./owner-api.ts";
export * from "./admin-api.ts";
export * from "./portal-api.ts";
export * from "./provider-api.ts";
export * from "./earnings.ts";
export * from "./device-id.ts";
export * from "./device-client.ts";
export * from "./build.ts";
