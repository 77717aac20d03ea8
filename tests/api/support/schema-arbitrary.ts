// JSON Schemas of the registry's OpenAPI document turned into fast-check arbitraries: `validValue` draws values
// the schema accepts (with odd-but-valid corners: extreme numbers, lone surrogates and control characters in
// strings, lists at their limits), `brokenValue` takes one of those and breaks it in one place (a field
// missing, of the wrong type, holding NUL, wrapped, stringified), so every field of every body gets its turn.
import fc from "fast-check";

/** JsonSchema is the subset of OpenAPI 3.0 schema objects that @valibot/to-json-schema writes. */
export interface JsonSchema {
  type?: "object" | "array" | "string" | "number" | "integer" | "boolean";
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  nullable?: boolean;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
}

/** oddChar is one character a careless parser, database or logger might trip over. */
// NUL is not among them: the registry refuses it in any text (tested through wrongValue and breakAt), and a
// valid value should get past the validators.
const oddChar = fc.constantFrom("\ud800", "\udfff", "\uffff", "\ufeff", "\u202e", "\u2028", "'", '"', "\\", "%", "\n", "é", "😀", "\u{10ffff}");
const unit = fc.oneof({ weight: 6, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }) }, { weight: 2, arbitrary: oddChar }, { weight: 2, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) });

function oddString(min: number, max: number): fc.Arbitrary<string> {
  // Arrays are capped so a draw stays small; the extremes come in on purpose below.
  const cap = Math.min(max, min + 40);
  const plain = fc.string({ unit, minLength: min, maxLength: cap });
  const atLimit = max < 100_000 ? fc.constant("x".repeat(max)) : plain;
  return fc.oneof({ weight: 8, arbitrary: plain }, { weight: 1, arbitrary: atLimit });
}

function isoTimestamp(): fc.Arbitrary<string> {
  const date = fc.date({ min: new Date("0000-01-01T00:00:00.000Z"), max: new Date("9999-12-31T23:59:59.999Z"), noInvalidDate: true });
  return fc.oneof({ weight: 4, arbitrary: date.map((d) => d.toISOString()) }, { weight: 1, arbitrary: fc.constantFrom("2026-02-31T00:00:00Z", "2026-01-01T00:00:00+14:00", "2026-01-01T00:00:00.123456789Z", "2026-01-01 00:00:00Z") });
}

function numberIn(schema: JsonSchema): fc.Arbitrary<number> {
  const min = schema.minimum ?? -Number.MAX_VALUE;
  const max = schema.maximum ?? Number.MAX_VALUE;
  if (schema.type === "integer") {
    const lo = Math.max(min, Number.MIN_SAFE_INTEGER);
    const hi = Math.min(max, Number.MAX_SAFE_INTEGER);
    return fc.oneof(fc.integer({ min: Math.max(lo, -1000), max: Math.min(hi, 1000) }), fc.constantFrom(lo, hi), fc.maxSafeInteger().filter((n) => n >= lo && n <= hi));
  }
  const edges = [0, -0, min, max, 5e-324, 1e308, -1e308, 0.1, 1e15].filter((n) => n >= min && n <= max);
  return fc.oneof({ weight: 3, arbitrary: fc.double({ min, max, noNaN: true, noDefaultInfinity: true }) }, { weight: 1, arbitrary: fc.constantFrom(...edges) });
}

/** validValue draws a value the schema accepts (best effort: regexes and formats the converter kept). */
export function validValue(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  const base = validNonNull(schema, depth);
  return schema.nullable ? fc.oneof({ weight: 4, arbitrary: base }, { weight: 1, arbitrary: fc.constant(null) }) : base;
}

function validNonNull(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum.filter((e) => e !== null));
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants) return fc.oneof(...variants.map((s) => validValue(s, depth + 1)));
  switch (schema.type) {
    case "object": {
      const props = schema.properties ?? {};
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, s] of Object.entries(props)) model[k] = validValue(s, depth + 1);
      return fc.record(model, { requiredKeys: (schema.required ?? []).filter((k) => k in props) });
    }
    case "array": {
      const min = schema.minItems ?? 0;
      const max = schema.maxItems ?? 200;
      // Deep arrays of arrays would multiply; a list at its largest allowed size comes in now and then.
      const small = fc.array(validValue(schema.items ?? {}, depth + 1), { minLength: min, maxLength: Math.max(min, Math.min(max, depth > 1 ? 2 : 4)) });
      // A list holding one item twice is valid by the schema, yet often not to the route (two records with
      // one seq); random items almost never repeat on their own, so it is drawn on purpose.
      const repeated = max >= 2 ? fc.array(validValue(schema.items ?? {}, depth + 1), { minLength: Math.max(1, min - 1), maxLength: Math.max(1, Math.min(max - 1, 3)) }).map((items) => [...items, items[0]]) : small;
      if (depth > 1) return small;
      if (max > 1000) return fc.oneof({ weight: 12, arbitrary: small }, { weight: 3, arbitrary: repeated });
      return fc.oneof({ weight: 12, arbitrary: small }, { weight: 3, arbitrary: repeated }, { weight: 1, arbitrary: fc.array(validValue(schema.items ?? {}, depth + 1), { minLength: max, maxLength: max }) });
    }
    case "string":
      if (schema.pattern) {
        const re = new RegExp(schema.pattern);
        return fc.stringMatching(re).filter((s) => s.length >= (schema.minLength ?? 0) && s.length <= (schema.maxLength ?? Infinity));
      }
      if (schema.format === "date-time") return isoTimestamp();
      return oddString(schema.minLength ?? 0, schema.maxLength ?? 300);
    case "number":
    case "integer":
      return numberIn(schema);
    case "boolean":
      return fc.boolean();
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** wrongValue is a value of some JSON type, often not the one a field wants. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, -0, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, "", " ", "x", "null", "0", "\u0000", "\ud800", [], {}, [null], { "": null }, JSON.parse('{"__proto__":{"polluted":true}}'), "x".repeat(70_000)),
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: "binary", maxLength: 30 }),
);

type Path = (string | number)[];

function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  return out;
}

export type Breakage = "delete" | "wrong-type" | "extra-key" | "proto-key" | "wrap-in-array" | "stringify" | "nul";

/** breakAt applies one breakage at one place of a (deep-copied) value. */
export function breakAt(value: unknown, pick: number, how: Breakage, replacement: unknown): unknown {
  const copy = structuredClone(value);
  const paths = pathsOf(copy);
  const path = paths[pick % paths.length]!;
  if (path.length === 0) {
    if (how === "wrap-in-array") return [copy];
    if (how === "stringify") return JSON.stringify(copy);
    return how === "delete" ? undefined : replacement;
  }
  const parent = path.slice(0, -1).reduce<any>((node, k) => node[k], copy);
  const key = path[path.length - 1]!;
  switch (how) {
    case "delete":
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      break;
    case "wrong-type":
      parent[key] = replacement;
      break;
    case "extra-key":
      if (parent && typeof parent === "object" && !Array.isArray(parent)) parent[`extra_${String(key)}`] = replacement;
      else parent[key] = replacement;
      break;
    case "proto-key":
      // JSON.parse makes "__proto__" an own key; the registry must not let it reach an object's prototype.
      if (parent && typeof parent === "object" && !Array.isArray(parent)) Object.defineProperty(parent, "__proto__", { value: { polluted: true, [String(key)]: replacement }, enumerable: true, configurable: true, writable: true });
      break;
    case "wrap-in-array":
      parent[key] = [parent[key]];
      break;
    case "stringify":
      parent[key] = JSON.stringify(parent[key]);
      break;
    case "nul":
      parent[key] = `${typeof parent[key] === "string" ? parent[key] : "x"}\u0000`;
      break;
  }
  return copy;
}

/** brokenValue is a valid value broken in one place. */
export function brokenValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  return fc
    .tuple(validValue(schema), fc.nat(), fc.constantFrom<Breakage>("delete", "wrong-type", "wrong-type", "extra-key", "proto-key", "wrap-in-array", "stringify", "nul"), wrongValue)
    .map(([value, pick, how, replacement]) => breakAt(value, pick, how, replacement));
}
