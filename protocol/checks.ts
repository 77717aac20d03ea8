import * as v from "valibot";
import { Hardware } from "./hardware.ts";

/** CheckStatus: pass, warn (works, but worse) or fail. */
export const CheckStatus = v.picklist(["pass", "warn", "fail"]);
export type CheckStatus = v.InferOutput<typeof CheckStatus>;

/** Check is one preflight result: what was checked, how it went, and how to fix it in plain words. */
export const Check = v.object({
  id: v.string(),
  title: v.string(),
  status: CheckStatus,
  message: v.string(),
  /** What the owner should do; null when nothing needs doing. */
  fix: v.nullable(v.string()),
  /** A failing blocking check stops the device from joining. */
  blocking: v.boolean(),
});
export type Check = v.InferOutput<typeof Check>;

/** DoctorReport is the whole preflight: the hardware found and every check run on it. */
export const DoctorReport = v.object({
  at: v.string(),
  hardware: Hardware,
  checks: v.array(Check),
  /** False when any blocking check failed. */
  ready: v.boolean(),
});
export type DoctorReport = v.InferOutput<typeof DoctorReport>;
