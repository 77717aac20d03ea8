import { RegistryRefused, RegistryUnreachable, type DeviceRegistryClient, type TelemetryAck, type TelemetryBatch } from "../../protocol/index.ts";
import { TelemetryUnavailable, telemetryErrorForStatus, type TelemetryTransport } from "./sender.ts";

// The sender's way to the registry: batches go with a short-lived device session (one HMAC check on the
// registry's side instead of a signature), obtained by a signed request and renewed before it expires or
// when the registry says it is no longer valid.

const RENEW_BEFORE_MS = 60_000;

export function registryTransport(client: DeviceRegistryClient, now: () => number = Date.now): TelemetryTransport {
  let session: { token: string; expiresAt: number } | null = null;

  async function token(): Promise<string> {
    if (!session || session.expiresAt - RENEW_BEFORE_MS <= now()) {
      const s = await client.openSession();
      session = { token: s.token, expiresAt: Date.parse(s.expiresAt) };
    }
    return session.token;
  }

  return {
    async send(batch: TelemetryBatch): Promise<TelemetryAck> {
      try {
        try {
          return await client.sendTelemetry(await token(), batch);
        } catch (err) {
          // A registry restarted with another secret, or a session that lapsed in transit: renew once.
          if (!(err instanceof RegistryRefused) || err.status !== 401) throw err;
          session = null;
          return await client.sendTelemetry(await token(), batch);
        }
      } catch (err) {
        if (err instanceof RegistryRefused) throw telemetryErrorForStatus(err.status, `${err.code}: ${err.message}`);
        if (err instanceof RegistryUnreachable) throw new TelemetryUnavailable(err.message, null, { cause: err });
        throw new TelemetryUnavailable(String((err as Error)?.message ?? err), null, { cause: err });
      }
    },
  };
}
