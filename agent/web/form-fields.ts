// Elysia parses a form post into an object whose values are strings, or arrays for repeated names
// (checkboxes). These read it without trusting its shape: a hand-made request can send anything.

/** formText is one text field, trimmed; "" when missing or not text. */
export function formText(body: unknown, name: string): string {
  const value = fieldOf(body, name);
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === "string" ? first.trim() : "";
}

/** formList is every value of a repeated field, e.g. checked checkboxes. */
export function formList(body: unknown, name: string): string[] {
  const value = fieldOf(body, name);
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is string => typeof v === "string" && v !== "");
}

function fieldOf(body: unknown, name: string): unknown {
  if (body === null || typeof body !== "object" || !Object.hasOwn(body, name)) return undefined;
  return (body as Record<string, unknown>)[name];
}
