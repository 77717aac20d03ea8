import { CheckInRequest, CheckInResponse, DeviceSession, DeviceView, JoinCredentials, LeaveResult, PauseRequest, REGISTRY_API, TelemetryAck, TelemetryBatch, type TelemetryRecord } from "../../protocol/index.ts";
import type { DevicesService } from "../devices/service.ts";
import type { MembershipService } from "../membership/service.ts";
import { PublicError } from "../public-error.ts";
import { route, type RouteDef } from "./route.ts";

/** TelemetryIngest is the part of the telemetry service the route needs. */
export interface TelemetryIngest {
  ingest(deviceId: string, records: TelemetryRecord[]): Promise<{ stored: number; duplicates: number }>;
}

export interface DeviceRouteDeps {
  devices: DevicesService;
  membership: MembershipService;
  telemetry: TelemetryIngest;
  countryOfIp: (ip: string) => Promise<string | null>;
  heartbeatIntervalS: number;
}

export function deviceRoutes(d: DeviceRouteDeps): RouteDef[] {
  return [
    route({
      method: "POST",
      path: REGISTRY_API.checkIn,
      summary: "Register or refresh a device (signed by its key); the answer says where it goes and gives a telemetry session",
      tag: "devices",
      auth: "signed-device",
      limit: "ip",
      body: CheckInRequest,
      response: CheckInResponse,
      handler: async ({ body, auth, ip }) => d.devices.checkIn(auth.device!, body, { country: await d.countryOfIp(ip) }),
    }),
    route({
      method: "POST",
      path: REGISTRY_API.deviceSession,
      summary: "Obtain a new short-lived telemetry session (signed by the device key; empty body)",
      tag: "devices",
      auth: "signed-device",
      limit: "ip",
      response: DeviceSession,
      handler: ({ auth }) => d.devices.openSession(auth.device!),
    }),
    route({
      method: "POST",
      path: REGISTRY_API.deviceJoin,
      summary: "Issue this device's join credentials (signed; empty body): a single-use tagged Headscale key and a k3s bootstrap token, both expiring in minutes",
      tag: "devices",
      auth: "signed-device",
      limit: "device",
      response: JoinCredentials,
      handler: ({ auth }) => d.membership.issue(auth.device!.deviceId),
    }),
    route({
      method: "POST",
      path: REGISTRY_API.devicePause,
      summary: "Pause (cordon) or resume (uncordon) this device in its cluster (signed)",
      tag: "devices",
      auth: "signed-device",
      limit: "device",
      body: PauseRequest,
      response: DeviceView,
      handler: ({ body, auth }) => d.membership.pause(auth.device!.deviceId, body.paused),
    }),
    route({
      method: "POST",
      path: REGISTRY_API.deviceLeave,
      summary: "Leave the network (signed; empty body): drain, delete the Node and the tailnet node, deregister",
      tag: "devices",
      auth: "signed-device",
      limit: "device",
      response: LeaveResult,
      handler: ({ auth }) => d.membership.leave(auth.device!.deviceId),
    }),
    route({
      method: "GET",
      path: REGISTRY_API.deviceSelf,
      summary: "The registry's view of the calling device: state, region, waitlist position",
      tag: "devices",
      auth: "device-session",
      limit: "device",
      response: DeviceView,
      handler: ({ auth }) => d.devices.self(auth.deviceId!),
    }),
    route({
      method: "POST",
      path: REGISTRY_API.telemetry,
      summary: "Store a batch of heartbeats and metrics; idempotent by (device, seq); durable when answered",
      tag: "devices",
      auth: "device-session",
      limit: "device",
      maxBodyBytes: 1024 * 1024,
      body: TelemetryBatch,
      response: TelemetryAck,
      handler: async ({ body, auth }) => {
        const deviceId = auth.deviceId!;
        const seqs = new Set<number>();
        for (const r of body.records) {
          if (seqs.has(r.seq)) throw new PublicError(400, "duplicate_seq", `seq ${r.seq} appears twice in this batch`, "give every record its own seq");
          seqs.add(r.seq);
        }
        const result = await d.telemetry.ingest(deviceId, body.records);
        const last = body.records.reduce<TelemetryRecord | null>((a, r) => (r.kind === "heartbeat" && (!a || r.seq > a.seq) ? r : a), null);
        if (last?.kind === "heartbeat") await d.devices.reportedPause(deviceId, last.paused);
        return { ...result, state: d.devices.stateOf(deviceId) ?? "removed", heartbeatIntervalS: d.heartbeatIntervalS };
      },
    }),
  ];
}
