import * as v from "valibot";

const hhmm = v.pipe(v.string(), v.regex(/^([01]\d|2[0-3]):[0-5]\d$/, "use 24-hour HH:MM, e.g. 22:00"));

/** ShareSettings is what the owner offers to the network from this machine. */
export const ShareSettings = v.object({
  cpuCores: v.pipe(v.number(), v.integer(), v.minValue(1, "share at least 1 CPU core")),
  memoryGiB: v.pipe(v.number(), v.integer(), v.minValue(1, "share at least 1 GiB of memory")),
  /** UUIDs of the GPUs offered. */
  gpus: v.array(v.string()),
  /** Hours of the day the machine is offered; always when null. */
  hours: v.nullable(v.object({ from: hhmm, to: hhmm })),
});
export type ShareSettings = v.InferOutput<typeof ShareSettings>;
