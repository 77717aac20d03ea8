// tcp-echo: proves a TCP path works (or doesn't) between two places in a network lab. Run as a script inside a
// namespace — `bun tcp-echo.ts serve <host> <port>` echoes every byte back; `bun tcp-echo.ts probe <host>
// <port> <timeoutMs>` exits 0 only if its random message comes back — and driven from tests through
// startEchoServer / probeTcp.
import { startProcess, runCommand, waitUntil, type ManagedProcess } from "./process.ts";

const SCRIPT = import.meta.path;

async function serve(host: string, port: number): Promise<void> {
  Bun.listen({
    hostname: host,
    port,
    socket: {
      data(socket, data) {
        socket.write(data);
      },
    },
  });
  console.log(`listening on ${host}:${port}`);
  await new Promise(() => {});
}

async function probe(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const message = `probe-${crypto.randomUUID()}`;
  let received = "";
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    Bun.connect({
      hostname: host,
      port,
      socket: {
        open(socket) {
          socket.write(message);
        },
        data(socket, data) {
          received += data.toString();
          if (received === message) {
            clearTimeout(timer);
            socket.end();
            resolve(true);
          }
        },
        connectError() {
          clearTimeout(timer);
          resolve(false);
        },
        error() {
          clearTimeout(timer);
          resolve(false);
        },
      },
    }).catch(() => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

if (import.meta.main) {
  const [mode, host, port, timeout] = process.argv.slice(2);
  if (mode === "serve" && host && port) {
    await serve(host, Number(port));
  } else if (mode === "probe" && host && port) {
    const ok = await probe(host, Number(port), Number(timeout ?? 5000));
    console.log(ok ? "echoed" : "no echo");
    process.exit(ok ? 0 : 1);
  } else {
    console.error("usage: tcp-echo.ts serve <host> <port> | probe <host> <port> [timeoutMs]");
    process.exit(2);
  }
}

/** startEchoServer runs an echo server inside netns (or on the host) and waits until it listens. */
export async function startEchoServer(options: { netns?: string; dir: string; host: string; port: number; name?: string }): Promise<ManagedProcess> {
  const proc = startProcess({
    name: options.name ?? `echo-${options.port}`,
    dir: options.dir,
    netns: options.netns,
    argv: [process.execPath, SCRIPT, "serve", options.host, String(options.port)],
  });
  await waitUntil(`echo server on ${options.host}:${options.port}`, () => proc.log().includes("listening on"), { timeoutMs: 15_000, processes: [proc] });
  return proc;
}

/** probeTcp says whether a TCP echo from netns (or the host) to host:port comes back within timeoutMs. */
export async function probeTcp(options: { netns?: string; host: string; port: number; timeoutMs?: number }): Promise<boolean> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const result = await runCommand([process.execPath, SCRIPT, "probe", options.host, String(options.port), String(timeoutMs)], {
    netns: options.netns,
    allowFailure: true,
    timeoutMs: timeoutMs + 10_000,
  });
  return result.code === 0;
}
