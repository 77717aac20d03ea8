// The portal's static files are imported as text (`with { type: "text" }`) so the compiled registry embeds
// them; these declarations tell TypeScript what such an import gives.
declare module "*/portal.css" {
  const text: string;
  export default text;
}
declare module "*/portal.js" {
  const text: string;
  export default text;
}
