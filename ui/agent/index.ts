// ui/agent: the agent's own pages on 127.0.0.1:7777: the setup wizard, step by step, and the dashboard.
// Pure views: each page takes plain data (protocol types and small view models) and returns HTML.
// Imports only ui/kit, protocol/ and @kitajs/html; the routes in agent/web feed them.
export * from "./page-context.ts";
export * from "./wizard-steps.ts";
export * from "./wizard-page.tsx";
export * from "./registry-status.tsx";
export * from "./hardware-summary.tsx";
export * from "./share-summary.ts";
export * from "./welcome-page.tsx";
export * from "./hardware-page.tsx";
export * from "./benchmark-page.tsx";
export * from "./claim-page.tsx";
export * from "./region-page.tsx";
export * from "./share-page.tsx";
export * from "./join-page.tsx";
export * from "./dashboard-page.tsx";
export * from "./message-page.tsx";
