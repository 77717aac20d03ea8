import type { BenchResult, DeviceState, Hardware, ShareSettings } from "../../protocol/index.ts";
import type { SqlDriver, SqlValue } from "../store/sql-driver.ts";
import type { DeviceFacts, DeviceFactsSource, Interval, UptimeSource } from "./ports.ts";

// Read-only bulk reads of what the telemetry and devices domains store, for closing an epoch: every
// device's heartbeat intervals in a window, and every device's facts. They read those domains' tables
// (uptime_intervals, devices, owners) and never write them; neither domain's repository offers a bulk read
// of this size yet, and an epoch close for 100 000 devices cannot afford one query per device.

type Row = Record<string, SqlValue>;

export class SqlUptimeSource implements UptimeSource {
  constructor(private readonly db: SqlDriver) {}

  /** onlineIntervals gives each device's "online" (sharing, not paused) intervals overlapping the window. */
  async onlineIntervals(fromMs: number, toMs: number): Promise<Map<string, Interval[]>> {
    const rows = await this.db.query<Row>("SELECT device_id, start_at, end_at FROM uptime_intervals WHERE kind = 'online' AND end_at > $1 AND start_at < $2", [fromMs, toMs]);
    const out = new Map<string, Interval[]>();
    for (const r of rows) {
      const id = String(r.device_id);
      const list = out.get(id) ?? [];
      list.push({ startMs: Number(r.start_at), endMs: Number(r.end_at) });
      out.set(id, list);
    }
    return out;
  }
}

function json<T>(v: SqlValue | undefined): T | null {
  if (v === null || v === undefined) return null;
  try {
    return JSON.parse(String(v)) as T;
  } catch {
    return null;
  }
}

export class SqlDeviceFactsSource implements DeviceFactsSource {
  constructor(private readonly db: SqlDriver) {}

  async devices(): Promise<DeviceFacts[]> {
    const rows = await this.db.query<Row>(
      "SELECT d.id, d.owner, d.state, d.hardware, d.bench, d.share, d.predecessor_id, o.payout_address FROM devices d LEFT JOIN owners o ON o.address = d.owner ORDER BY d.id",
    );
    return rows.map((r) => ({
      deviceId: String(r.id),
      owner: String(r.owner),
      payoutAddress: r.payout_address === null ? null : String(r.payout_address),
      state: String(r.state) as DeviceState,
      hardware: json<Hardware>(r.hardware),
      bench: json<BenchResult>(r.bench),
      share: json<ShareSettings>(r.share),
      predecessorId: r.predecessor_id === null ? null : String(r.predecessor_id),
    }));
  }

  /** payoutAddresses gives the payout address each of the owners set, where one is set. */
  async payoutAddresses(owners: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < owners.length; i += 400) {
      const chunk = owners.slice(i, i + 400);
      if (chunk.length === 0) continue;
      const rows = await this.db.query<Row>(`SELECT address, payout_address FROM owners WHERE payout_address IS NOT NULL AND address IN (${chunk.map((_, k) => `$${k + 1}`).join(", ")})`, chunk);
      for (const r of rows) out.set(String(r.address), String(r.payout_address));
    }
    return out;
  }
}
