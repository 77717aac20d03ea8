// ui/kit: the building blocks every page shares: the document layout, form fields, alerts, status
// badges, the step indicator, tables, message pages, unit formatting and htmx settings. Pure: data in,
// HTML out. Imports only protocol/ and @kitajs/html; never agent/ or registry/.
export * from "./asset-urls.ts";
export * from "./htmx-config.ts";
export * from "./units.ts";
export * from "./layout.tsx";
export * from "./alert.tsx";
export * from "./field.tsx";
export * from "./status-badge.tsx";
export * from "./step-indicator.tsx";
export * from "./problem.ts";
export * from "./data-table.tsx";
export * from "./message.tsx";
export * from "./empty-state.tsx";
export * from "./facts.tsx";
export * from "./check-item.tsx";
