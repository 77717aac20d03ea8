import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dockerInfoFrom, readDocker } from "./docker-info.ts";

// A small HTTP server on a unix socket answers as the Docker engine does, so dockerode really talks to it.

const dirs: string[] = [];
const servers: { stop(force?: boolean): unknown }[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.stop(true);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fakeEngine(answer: (path: string) => Response): string {
  const dir = mkdtempSync(join(tmpdir(), "docker-sock-"));
  dirs.push(dir);
  const socket = join(dir, "docker.sock");
  servers.push(Bun.serve({ unix: socket, fetch: (req) => answer(new URL(req.url).pathname) }));
  return socket;
}

describe("readDocker", () => {
  test("no socket means no Docker, which is normal", async () => {
    expect(await readDocker("/nonexistent/docker.sock")).toBeNull();
  });

  test("reads the version and whether the nvidia runtime is configured", async () => {
    const socket = fakeEngine((path) => {
      if (path.endsWith("/version")) return Response.json({ Version: "27.3.1", ApiVersion: "1.47" });
      if (path.endsWith("/info")) return Response.json({ Runtimes: { runc: { path: "runc" }, nvidia: { path: "nvidia-container-runtime" } } });
      return new Response("not found", { status: 404 });
    });
    expect(await readDocker(socket)).toEqual({ running: true, version: "27.3.1", nvidiaRuntime: true, error: null });
  });

  test("an engine that errors is reported as not running, with its error", async () => {
    const socket = fakeEngine(() => Response.json({ message: "daemon is shutting down" }, { status: 500 }));
    const info = await readDocker(socket);
    expect(info).toMatchObject({ running: false, version: null, nvidiaRuntime: false });
    expect(info?.error).toContain("shutting down");
  });
});

test("dockerInfoFrom: no Runtimes entry means no nvidia runtime", () => {
  expect(dockerInfoFrom({ Version: "24.0.7" }, {})).toEqual({ running: true, version: "24.0.7", nvidiaRuntime: false, error: null });
});
