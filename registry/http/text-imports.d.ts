// Files the registry embeds as text (Bun's `with { type: "text" }` imports).
declare module "*.sh" {
  const text: string;
  export default text;
}
