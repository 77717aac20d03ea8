// Static files are imported as text (`with { type: "text" }`) so `bun build --compile` embeds them in the
// binary; these declarations tell TypeScript what such an import gives. Patterns name our files only.
declare module "*/app.css" {
  const text: string;
  export default text;
}
declare module "*/icon.svg" {
  const text: string;
  export default text;
}
declare module "htmx.org/dist/htmx.min.js" {
  const text: string;
  export default text;
}
