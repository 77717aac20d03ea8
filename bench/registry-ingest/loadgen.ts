// bench/registry-ingest/loadgen.ts: the load generator, a process of its own (it shares the machine's cores
// with the registry, as a real benchmark client on the same box does). It speaks HTTP/1.1 itself over
// keep-alive sockets, so that what it costs stays small and known: each request is one device's next
// heartbeat (its own rising seq), on its session token, devices taken in turn.
//
//   ./node_modules/.bin/bun bench/registry-ingest/loadgen.ts --url http://127.0.0.1:8080 --tokens FILE
//     [--concurrency 8,32,128] [--rate 20000,10000] [--seconds 10] [--settle 1]
//     [--warmup 2] [--max-connections 512] [--watch registry=PID,postgres=PID] [--max-other 0.25 --tries 3]
//
// First each closed-loop level (--concurrency): C connections, each sending its next request as soon as the
// last one is answered. Then each open-loop level (--rate): requests fall due at a fixed rate whatever the
// answers do; a due request waits for a free connection (opening one up to --max-connections), and its
// latency counts from when it fell due, so a stalled server cannot hide its queue.
// Each level runs --settle seconds unmeasured, then --seconds measured: heartbeats/s is 2xx answers that
// arrived in the window over its length. The JSON on stdout also carries every 2xx of the whole run (warm-up
// included), which the orchestrator compares with the rows in the store, and the CPU each watched process
// tree (and this one) used during each window. On a shared machine, --max-other repeats a window (up to
// --tries times in all) while other processes used more than that many cores during it; the load keeps
// running meanwhile, and the best-isolated window is kept.
import { readdirSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { Socket } from "bun";

const { values: args } = parseArgs({
  options: {
    url: { type: "string" },
    tokens: { type: "string" },
    concurrency: { type: "string", default: "8,32,128" },
    rate: { type: "string", default: "" },
    seconds: { type: "string", default: "10" },
    settle: { type: "string", default: "1" },
    warmup: { type: "string", default: "2" },
    "warmup-concurrency": { type: "string", default: "64" },
    "max-connections": { type: "string", default: "512" },
    watch: { type: "string", default: "" },
    "max-other": { type: "string", default: "Infinity" },
    tries: { type: "string", default: "1" },
  },
});

if (!args.url || !args.tokens) {
  console.error("usage: loadgen.ts --url http://HOST:PORT --tokens FILE [--concurrency C,…] [--rate R,…] …");
  process.exit(2);
}

const list = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean).map(Number);
const target = new URL(args.url);
const tokens = readFileSync(args.tokens, "utf8").split("\n").filter(Boolean);
if (tokens.length === 0) throw new Error(`${args.tokens} holds no tokens`);
const seqs = new Uint32Array(tokens.length);
let nextDevice = 0;

// Requests are built as strings: a heartbeat is ASCII, so its length in characters is its length in bytes.
const PATH = "/api/v1/devices/telemetry";
const HEAD = `POST ${PATH} HTTP/1.1\r\nHost: ${target.host}\r\nContent-Type: application/json\r\nAuthorization: AkashDevice `;
let isoNow = new Date().toISOString();
setInterval(() => (isoNow = new Date().toISOString()), 50).unref();

function nextRequest(): string {
  const i = nextDevice;
  nextDevice = i + 1 === tokens.length ? 0 : i + 1;
  const seq = ++seqs[i]!;
  const body = `{"records":[{"kind":"heartbeat","seq":${seq},"at":"${isoNow}","paused":false,"tailscale":{"state":"running","ip":"100.64.0.1"},"kubelet":{"state":"running"},"agentVersion":"0.0.0-bench"}]}`;
  return `${HEAD}${tokens[i]}\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
}

// ---- counting ------------------------------------------------------------------------------------------

interface Window {
  open: boolean;
  ok: number;
  non2xx: number;
  statuses: Record<string, number>;
  latencies: number[];
}

/** stored: records the registry's answers said it stored (new, not duplicates); it should equal the rows. */
const totals = { ok: 0, stored: 0, non2xx: 0, transportErrors: 0, statuses: {} as Record<string, number> };
let window: Window = { open: false, ok: 0, non2xx: 0, statuses: {}, latencies: [] };

function record(status: number, latencyMs: number): void {
  const key = String(status);
  const ok = status >= 200 && status < 300;
  if (ok) totals.ok++;
  else {
    totals.non2xx++;
    totals.statuses[key] = (totals.statuses[key] ?? 0) + 1;
  }
  if (!window.open) return;
  window.latencies.push(latencyMs);
  if (ok) window.ok++;
  else {
    window.non2xx++;
    window.statuses[key] = (window.statuses[key] ?? 0) + 1;
  }
}

// ---- connections ---------------------------------------------------------------------------------------

const CRLFCRLF = Buffer.from("\r\n\r\n");
const STORED = /"stored":(\d+)/;

/** Connection is one keep-alive socket carrying one request at a time. */
class Connection {
  private socket: Socket<Connection> | null = null;
  private buffer: Buffer = Buffer.alloc(0);
  private unsent = "";
  private startedAt = 0;
  private onAnswer: ((status: number, startedAt: number) => void) | null = null;
  dead = false;

  static async open(): Promise<Connection> {
    const c = new Connection();
    c.socket = await Bun.connect<Connection>({
      hostname: target.hostname,
      port: Number(target.port),
      data: c,
      socket: {
        data: (s, chunk) => s.data.received(chunk),
        drain: (s) => s.data.flush(),
        close: (s) => s.data.lost("closed"),
        error: (s) => s.data.lost("error"),
      },
    });
    c.socket.setNoDelay(true);
    return c;
  }

  /** send writes a request; done hears the status and when the request was handed over (or fell due). */
  send(request: string, startedAt: number, done: (status: number, startedAt: number) => void): void {
    this.startedAt = startedAt;
    this.onAnswer = done;
    this.unsent = request;
    this.flush();
  }

  flush(): void {
    if (!this.unsent || !this.socket) return;
    const wrote = this.socket.write(this.unsent);
    this.unsent = wrote >= this.unsent.length ? "" : this.unsent.slice(Math.max(0, wrote));
  }

  received(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const end = this.buffer.indexOf(CRLFCRLF);
    if (end < 0) return;
    const head = this.buffer.toString("latin1", 0, end);
    const status = Number(head.slice(9, 12));
    const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!m) throw new Error(`answer without Content-Length (the load generator reads no other framing):\n${head}`);
    const total = end + 4 + Number(m[1]);
    if (this.buffer.length < total) return;
    if (status >= 200 && status < 300) totals.stored += Number(STORED.exec(this.buffer.toString("latin1", end + 4, total))?.[1] ?? 0);
    this.buffer = this.buffer.length === total ? Buffer.alloc(0) : this.buffer.subarray(total);
    const done = this.onAnswer!;
    this.onAnswer = null;
    done(status, this.startedAt);
  }

  lost(why: string): void {
    if (this.dead) return;
    this.dead = true;
    if (this.onAnswer) {
      // The server may or may not have stored it; it got no 2xx, so it is not counted as stored.
      totals.transportErrors++;
      if (window.open) window.non2xx++;
      console.error(`connection ${why} with a request in flight`);
      const done = this.onAnswer;
      this.onAnswer = null;
      done(0, this.startedAt);
    }
  }

  close(): void {
    this.socket?.end();
  }
}

const pool: Connection[] = [];

async function connections(n: number): Promise<Connection[]> {
  for (let i = pool.length - 1; i >= 0; i--) if (pool[i]!.dead) pool.splice(i, 1);
  while (pool.length < n) pool.push(...(await Promise.all(Array.from({ length: Math.min(64, n - pool.length) }, () => Connection.open()))));
  return pool.slice(0, n);
}

// ---- CPU of watched process trees ----------------------------------------------------------------------

const CLOCK_TICKS = 100;
const watched = args.watch
  .split(",")
  .filter(Boolean)
  .map((w) => {
    const [name, pid] = w.split("=");
    return { name: name!, pid: Number(pid) };
  });

/** cpuSeconds sums user and system time of each watched process and its descendants, from /proc. */
function cpuSeconds(): Record<string, number> {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, "latin1");
      const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
      stats.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {}
  }
  const out: Record<string, number> = {};
  for (const w of watched) {
    let ticks = 0;
    const tree = new Set([w.pid]);
    // Parents precede children in pid order nearly always; a second pass catches the rest.
    for (let pass = 0; pass < 2; pass++) for (const [pid, s] of stats) if (!tree.has(pid) && tree.has(s.ppid)) tree.add(pid);
    for (const pid of tree) ticks += stats.get(pid)?.ticks ?? 0;
    out[w.name] = ticks / CLOCK_TICKS;
  }
  const self = process.cpuUsage();
  out.loadgen = (self.user + self.system) / 1e6;
  // Every process on the machine, so the report can show how much other work shared the cores.
  const [user, nice, system, , , irq, softirq] = readFileSync("/proc/stat", "latin1").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  out.machine = (user! + nice! + system! + irq! + softirq!) / CLOCK_TICKS;
  return out;
}

// ---- phases --------------------------------------------------------------------------------------------

/** LevelResult is one measured level, as the load generator prints it (run.ts reads the same shape). */
export interface LevelResult {
  mode: "closed" | "open";
  concurrency: number | null;
  targetRate: number | null;
  seconds: number;
  heartbeatsPerS: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  non2xx: number;
  statuses: Record<string, number>;
  /** Share of one core each watched process tree used during the window (1 = a whole core). */
  cpu: Record<string, number>;
  connectionsUsed: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

async function measureOnce(settleS: number, seconds: number, describe: Omit<LevelResult, "seconds" | "heartbeatsPerS" | "p50Ms" | "p90Ms" | "p99Ms" | "maxMs" | "non2xx" | "statuses" | "cpu">): Promise<LevelResult> {
  await Bun.sleep(settleS * 1000);
  window = { open: true, ok: 0, non2xx: 0, statuses: {}, latencies: [] };
  const cpuBefore = cpuSeconds();
  const started = performance.now();
  await Bun.sleep(seconds * 1000);
  const w = window;
  w.open = false;
  const elapsed = (performance.now() - started) / 1000;
  const cpuAfter = cpuSeconds();
  const sorted = Float64Array.from(w.latencies).sort();
  const cpu: Record<string, number> = {};
  for (const k of Object.keys(cpuAfter)) cpu[k] = round((cpuAfter[k]! - (cpuBefore[k] ?? 0)) / elapsed);
  return {
    ...describe,
    seconds: round(elapsed),
    heartbeatsPerS: Math.round(w.ok / elapsed),
    p50Ms: round(percentile(sorted, 0.5)),
    p90Ms: round(percentile(sorted, 0.9)),
    p99Ms: round(percentile(sorted, 0.99)),
    maxMs: round(sorted[sorted.length - 1] ?? NaN),
    non2xx: w.non2xx,
    statuses: w.statuses,
    cpu,
  };
}

const maxOther = Number(args["max-other"]);
const tries = Math.max(1, Number(args.tries));

/** otherCores is what processes other than the watched ones and this one used during a window. */
function otherCores(r: LevelResult): number {
  const { machine = 0, ...ours } = r.cpu;
  return Math.max(0, machine - Object.values(ours).reduce((a, b) => a + b, 0));
}

async function measure(settleS: number, seconds: number, describe: Parameters<typeof measureOnce>[2]): Promise<LevelResult> {
  let best: LevelResult | null = null;
  for (let attempt = 1; attempt <= tries; attempt++) {
    const r = await measureOnce(attempt === 1 ? settleS : 0, seconds, describe);
    if (!best || otherCores(r) < otherCores(best)) best = r;
    if (otherCores(r) <= maxOther) break;
    console.error(`other work used ${otherCores(r).toFixed(2)} cores during the window; measuring again (${attempt}/${tries})`);
  }
  return best!;
}

/** closedLoop keeps `concurrency` requests in flight until stop() resolves its promise. */
async function closedLoop(concurrency: number): Promise<{ stop: () => Promise<void> }> {
  const conns = await connections(concurrency);
  let stopping = false;
  let inFlight = 0;
  let allDone: () => void = () => {};
  const loop = (c: Connection) => {
    if (stopping || c.dead) {
      if (--inFlight === 0) allDone();
      return;
    }
    c.send(nextRequest(), performance.now(), (status, t) => {
      record(status, performance.now() - t);
      loop(c);
    });
  };
  inFlight = conns.length;
  for (const c of conns) loop(c);
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        allDone = resolve;
        stopping = true;
        if (inFlight === 0) resolve();
      }),
  };
}

/** openLoop issues requests at `rate` per second until stop(). */
async function openLoop(rate: number, maxConnections: number): Promise<{ stop: () => Promise<void>; used: () => number }> {
  const idle: Connection[] = [...(await connections(Math.min(maxConnections, 64)))];
  let opened = idle.length;
  let opening = 0;
  const waiting: number[] = []; // due times of requests no connection has taken yet
  let inFlight = 0;
  let stopping = false;
  let allDone: () => void = () => {};

  const dispatch = (c: Connection) => {
    const due = waiting.shift();
    if (due === undefined) {
      idle.push(c);
      if (stopping && inFlight === 0) allDone();
      return;
    }
    inFlight++;
    c.send(nextRequest(), due, (status, t) => {
      inFlight--;
      record(status, performance.now() - t);
      if (!c.dead) dispatch(c);
      else if (stopping && inFlight === 0) allDone();
    });
  };
  const started = performance.now();
  let issued = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    const due = Math.floor(((now - started) / 1000) * rate);
    for (; issued < due; issued++) waiting.push(started + (issued / rate) * 1000);
    while (waiting.length > 0 && idle.length > 0) dispatch(idle.pop()!);
    // Short of connections: open more, a few at a time, up to the limit.
    if (waiting.length > 0 && opened + opening < maxConnections && opening < 16) {
      opening++;
      void Connection.open().then((c) => {
        opening--;
        opened++;
        pool.push(c);
        dispatch(c);
      });
    }
  }, 1);
  return {
    used: () => opened,
    stop: () =>
      new Promise<void>((resolve) => {
        clearInterval(tick);
        stopping = true;
        // Requests that fell due but were never sent are dropped: they were not issued.
        waiting.length = 0;
        allDone = resolve;
        if (inFlight === 0) resolve();
      }),
  };
}

const settle = Number(args.settle);
const seconds = Number(args.seconds);
const results: LevelResult[] = [];

const warmupS = Number(args.warmup);
if (warmupS > 0) {
  const warm = await closedLoop(Number(args["warmup-concurrency"]));
  await Bun.sleep(warmupS * 1000);
  await warm.stop();
}

for (const c of list(args.concurrency)) {
  const run = await closedLoop(c);
  results.push(await measure(settle, seconds, { mode: "closed", concurrency: c, targetRate: null, connectionsUsed: c }));
  await run.stop();
  console.error(`closed ${c}: ${JSON.stringify(results.at(-1))}`);
}
for (const rate of list(args.rate)) {
  const run = await openLoop(rate, Number(args["max-connections"]));
  const r = await measure(settle, seconds, { mode: "open", concurrency: null, targetRate: rate, connectionsUsed: 0 });
  r.connectionsUsed = run.used();
  results.push(r);
  await run.stop();
  console.error(`open ${rate}/s: ${JSON.stringify(r)}`);
}

for (const c of pool) c.close();
console.log(JSON.stringify({ devices: tokens.length, totals, levels: results }));
process.exit(0);
