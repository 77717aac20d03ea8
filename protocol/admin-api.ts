import * as v from "valibot";
import { AkashAddress } from "./owner-api.ts";

/** DeviceActionRequest carries the operator's reason, kept in the audit log. */
export const DeviceActionRequest = v.object({ reason: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(500, "a reason has at most 500 characters"))) });
export type DeviceActionRequest = v.InferOutput<typeof DeviceActionRequest>;

/** WaitlistArea is one area's queue of devices no region could take. */
export const WaitlistArea = v.object({
  area: v.string(),
  waiting: v.number(),
  threshold: v.number(),
  readyToBootstrap: v.boolean(),
  oldestSince: v.nullable(v.string()),
});
export type WaitlistArea = v.InferOutput<typeof WaitlistArea>;

export const WaitlistAreaList = v.object({ areas: v.array(WaitlistArea) });
export type WaitlistAreaList = v.InferOutput<typeof WaitlistAreaList>;

/** CreateOperatorOfferRequest offers owner the operator role of a region that allows first-user bootstrap. */
export const CreateOperatorOfferRequest = v.object({ owner: AkashAddress });
export type CreateOperatorOfferRequest = v.InferOutput<typeof CreateOperatorOfferRequest>;

/** AuditEntry is one admin action. */
export const AuditEntry = v.object({
  at: v.string(),
  actor: v.string(),
  action: v.string(),
  target: v.string(),
  regionId: v.nullable(v.string()),
  detail: v.string(),
});
export type AuditEntry = v.InferOutput<typeof AuditEntry>;

export const AuditLog = v.object({ entries: v.array(AuditEntry) });
export type AuditLog = v.InferOutput<typeof AuditLog>;
