import { closeSync, fsyncSync, mkdirSync, openSync, readSync, rmSync, statfsSync, writeSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { percentile } from "./percentile.ts";

/**
 * Disk benchmark in the state dir, where the agent's own files live (k3s and images usually share that disk).
 * Limitation: the read-back is of a file just written, so the page cache serves most of it and
 * seqReadMBps is an upper bound, not the disk's own read speed (dropping caches needs root and
 * slows the whole machine; O_DIRECT is not available from Bun's fs).
 */

/** DiskRun bounds each phase by time and the file by size. */
export interface DiskRun {
  writeMs: number;
  readMs: number;
  fsyncMs: number;
  maxBytes: number;
}

export interface DiskResult {
  path: string;
  seqWriteMBps: number;
  seqReadMBps: number;
  fsyncP50Ms: number;
  fsyncP99Ms: number;
}

const BLOCK = 1024 * 1024;
/** Writes are flushed every SYNC_EVERY bytes so the write rate is the disk's, not the page cache's. */
const SYNC_EVERY = 16 * BLOCK;
const FSYNC_BYTES = 4096;
const MAX_FSYNC_SAMPLES = 5000;

/** DiskNotWritable says the directory cannot hold the benchmark's (and the agent's) files. */
export class DiskNotWritable extends Error {
  override name = "DiskNotWritable";
}

function tempPath(dir: string, label: string): string {
  return join(dir, `.bench-${label}-${randomBytes(6).toString("hex")}.tmp`);
}

/** openTemp creates the directory if needed and a new 0600 temp file in it, with a message that says which dir failed. */
function openTemp(dir: string, label: string): { fd: number; path: string } {
  const path = tempPath(dir, label);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return { fd: openSync(path, "wx+", 0o600), path };
  } catch (err) {
    throw new DiskNotWritable(`cannot write in ${dir}: ${(err as Error).message}`, { cause: err });
  }
}

/** checkWritable fails early, before a long run, when dir cannot take files. */
export function checkWritable(dir: string): void {
  const { fd, path } = openTemp(dir, "check");
  closeSync(fd);
  rmSync(path, { force: true });
}

function freeBytes(dir: string): number {
  try {
    const s = statfsSync(dir);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return Infinity;
  }
}

function sequentialWrite(fd: number, run: DiskRun, maxBytes: number): { bytes: number; ms: number } {
  // Random content, so a compressing file system (btrfs, ZFS) cannot make the write look faster.
  const block = randomBytes(BLOCK);
  const start = performance.now();
  const end = start + run.writeMs;
  let bytes = 0;
  let unsynced = 0;
  do {
    bytes += writeSync(fd, block, 0, BLOCK, bytes);
    unsynced += BLOCK;
    if (unsynced >= SYNC_EVERY) {
      fsyncSync(fd);
      unsynced = 0;
    }
  } while (bytes + BLOCK <= maxBytes && performance.now() < end);
  fsyncSync(fd);
  return { bytes, ms: performance.now() - start };
}

function sequentialRead(fd: number, run: DiskRun, size: number): { bytes: number; ms: number } {
  const block = Buffer.allocUnsafe(BLOCK);
  const start = performance.now();
  const end = start + run.readMs;
  let bytes = 0;
  while (bytes < size) {
    const n = readSync(fd, block, 0, BLOCK, bytes);
    if (n === 0) break;
    bytes += n;
    if (performance.now() >= end) break;
  }
  return { bytes, ms: performance.now() - start };
}

/** fsyncLatencies times small write+fsync pairs, as a database commit or a kubelet status write does. */
function fsyncLatencies(fd: number, run: DiskRun): number[] {
  const block = randomBytes(FSYNC_BYTES);
  const samples: number[] = [];
  const end = performance.now() + run.fsyncMs;
  do {
    const t = performance.now();
    writeSync(fd, block, 0, FSYNC_BYTES, (samples.length % 256) * FSYNC_BYTES);
    fsyncSync(fd);
    samples.push(performance.now() - t);
  } while (samples.length < MAX_FSYNC_SAMPLES && performance.now() < end);
  return samples;
}

const mbps = (bytes: number, ms: number) => bytes / 1e6 / (Math.max(ms, 0.001) / 1000);

/** measureDisk writes, reads back and fsyncs temp files in dir, and removes them whatever happens. */
export function measureDisk(dir: string, run: DiskRun): DiskResult {
  // Leave three quarters of the free space alone: filling a disk would hurt the running agent and k3s.
  const maxBytes = Math.max(BLOCK, Math.min(run.maxBytes, Math.floor(freeBytes(dir) / 4)));
  const seq = openTemp(dir, "seq");
  let write: { bytes: number; ms: number };
  let read: { bytes: number; ms: number };
  try {
    write = sequentialWrite(seq.fd, run, maxBytes);
    read = sequentialRead(seq.fd, run, write.bytes);
  } finally {
    closeSync(seq.fd);
    rmSync(seq.path, { force: true });
  }
  const sync = openTemp(dir, "fsync");
  let samples: number[];
  try {
    samples = fsyncLatencies(sync.fd, run);
  } finally {
    closeSync(sync.fd);
    rmSync(sync.path, { force: true });
  }
  return {
    path: dir,
    seqWriteMBps: mbps(write.bytes, write.ms),
    seqReadMBps: mbps(read.bytes, read.ms),
    fsyncP50Ms: percentile(samples, 50),
    fsyncP99Ms: percentile(samples, 99),
  };
}
