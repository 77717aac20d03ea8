// A registry stand-in on 127.0.0.1 for the bench tests: region list, probe endpoints and a download file.
import type { Server } from "bun";
import { REGISTRY_API } from "../../../protocol/registry-api.ts";

export interface FakeRegistry {
  url: string;
  server: Server<undefined>;
  /** How many probe GETs each region got. */
  probes: Map<string, number>;
  stop(): void;
}

/** startFakeRegistry serves regions "near" (answers) and "gone" (probe URL on a closed port) and a download of downloadBytes. */
export function startFakeRegistry(opts: { closedPort: number; downloadBytes?: number; probeDelayMs?: number }): FakeRegistry {
  const probes = new Map<string, number>();
  const payload = new Uint8Array(opts.downloadBytes ?? 16 * 1024 * 1024).fill(7);
  const server: Server<undefined> = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req): Promise<Response> {
      const path = new URL(req.url).pathname;
      if (path === REGISTRY_API.regions) {
        const base: string = `http://127.0.0.1:${server.port}`;
        return Response.json({
          regions: [
            { id: "near", name: "Near", locationRegion: "eu-central", probeUrl: `${base}/probe/near`, status: "active", admission: "open", capacity: 250, devices: 0, full: false },
            { id: "gone", name: "Gone", locationRegion: "us-west", probeUrl: `http://127.0.0.1:${opts.closedPort}/probe`, status: "active", admission: "open", capacity: 250, devices: 0, full: false },
          ],
        });
      }
      if (path.startsWith("/probe/")) {
        const id = path.slice("/probe/".length);
        probes.set(id, (probes.get(id) ?? 0) + 1);
        if (opts.probeDelayMs) await Bun.sleep(opts.probeDelayMs);
        return new Response("ok");
      }
      if (path === `${REGISTRY_API.downloads}/akash-home-linux-x64`) return new Response(payload);
      return new Response("not found", { status: 404 });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, server, probes, stop: () => server.stop(true) };
}

/** closedPort returns a loopback port that nothing listens on (it was bound a moment ago, then released). */
export function closedPort(): number {
  const s = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
  const port = s.port!;
  s.stop(true);
  return port;
}
