import * as v from "valibot";

/** ErrorEnvelope is the one shape every API error takes: what went wrong and what to do about it. */
export const ErrorEnvelope = v.object({
  error: v.object({
    code: v.string(),
    message: v.string(),
    fix: v.optional(v.string()),
  }),
});
export type ErrorEnvelope = v.InferOutput<typeof ErrorEnvelope>;

/** errorEnvelope builds an ErrorEnvelope. */
export function errorEnvelope(code: string, message: string, fix?: string): ErrorEnvelope {
  return { error: fix ? { code, message, fix } : { code, message } };
}
