// prober <listen ip:port>: runs inside one namespace of the lab (an ingress, the region) and answers the
// scenario's questions from there over HTTP, so the scenario measures paths from that namespace without
// starting a process per probe:
//   GET /wait?host=…&port=…&timeoutMs=…  polls a TCP connect every 50 ms; { ok, ms } once it succeeds
//   GET /get?url=…                       one HTTP GET from here; { ok, status, ms, body }
import { connect } from "node:net";

const listen = process.argv[2];
if (!listen) {
  console.error("usage: prober.ts <listen ip:port>");
  process.exit(2);
}

function tcpOnce(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

Bun.serve({
  hostname: listen.slice(0, listen.lastIndexOf(":")),
  port: Number(listen.slice(listen.lastIndexOf(":") + 1)),
  idleTimeout: 0,
  async fetch(req) {
    const url = new URL(req.url);
    const started = performance.now();
    if (url.pathname === "/wait") {
      const host = url.searchParams.get("host") ?? "";
      const port = Number(url.searchParams.get("port"));
      const deadline = Date.now() + Number(url.searchParams.get("timeoutMs") ?? 60_000);
      while (Date.now() < deadline) {
        if (await tcpOnce(host, port, 1_000)) return Response.json({ ok: true, ms: performance.now() - started });
        await Bun.sleep(50);
      }
      return Response.json({ ok: false, ms: performance.now() - started });
    }
    if (url.pathname === "/get") {
      try {
        const res = await fetch(url.searchParams.get("url") ?? "", { signal: AbortSignal.timeout(10_000) });
        return Response.json({ ok: res.ok, status: res.status, ms: performance.now() - started, body: await res.text() });
      } catch (err) {
        return Response.json({ ok: false, status: 0, ms: performance.now() - started, body: err instanceof Error ? err.message : String(err) });
      }
    }
    return new Response("not found\n", { status: 404 });
  },
});
console.log(`prober listening on ${listen}`);
