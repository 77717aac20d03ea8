// A worker thread with its own SQLite connection that moves committed WAL frames into the database file.
// SQLite's automatic checkpoint would run inside whichever COMMIT crosses the threshold, on the registry's
// only JavaScript thread, fsyncs and all; here it runs on the other core and never blocks the writer
// (PASSIVE). Durability is unchanged: only frames already committed to the WAL are copied.
import { Database } from "bun:sqlite";

declare const self: Worker;

let db: Database | null = null;
let timer: ReturnType<typeof setInterval> | null = null;

self.onmessage = (event: MessageEvent<{ type: "start"; path: string; intervalMs: number } | { type: "stop" }>) => {
  const msg = event.data;
  if (msg.type === "start") {
    db = new Database(msg.path);
    db.run("PRAGMA busy_timeout = 1000");
    timer = setInterval(() => {
      try {
        db!.query("PRAGMA wal_checkpoint(PASSIVE)").get();
      } catch {
        // Busy or locked: the next round catches up.
      }
    }, msg.intervalMs);
    self.postMessage({ type: "started" });
  } else {
    if (timer) clearInterval(timer);
    db?.close();
    self.postMessage({ type: "stopped" });
  }
};
