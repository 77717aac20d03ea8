import type { DockerInfo } from "../../protocol/hardware.ts";

// ProbeSources is everything the probe reads from the machine, as functions, so tests can feed fixtures
// and the checks stay pure. The real implementation is default-sources.ts.

/** SystemFacts is what systeminformation tells us, reduced to the fields we use. */
export interface SystemFacts {
  hostname: string;
  cpu: { vendor: string; model: string; cores: number; threads: number; speedGHz: number | null; flags: string[] };
  memory: { totalBytes: number; availableBytes: number; swapTotalBytes: number };
  /** arch uses Node's names: x64, arm64. */
  os: { platform: string; distro: string; release: string; kernel: string; arch: string };
  virtualization: { virtual: boolean; kind: string | null };
}

/** RunResult is how a command ended; a missing binary or a timeout is a result, not an exception. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  notFound: boolean;
}

/** DiskSpace is what statfs says about the filesystem holding a path. */
export interface DiskSpace {
  totalBytes: number;
  freeBytes: number;
}

export interface ProbeSources {
  /** CPU, memory, OS and virtualization (systeminformation). May throw; the probe falls back. */
  system(): Promise<SystemFacts>;
  /** A file's text, or null when it is absent or unreadable (/proc, /sys, /etc files). */
  readText(path: string): Promise<string | null>;
  /** Entry names of a directory, or null when it is absent or unreadable. */
  listDir(path: string): Promise<string[] | null>;
  exists(path: string): Promise<boolean>;
  /** The path with symlinks resolved, or null when it does not exist. */
  realPath(path: string): Promise<string | null>;
  /** Runs argv with a time limit; never throws. */
  run(argv: string[], timeoutMs: number): Promise<RunResult>;
  /** Full path of a program, like `which`, also looking in the sbin dirs a service's PATH may lack. */
  which(name: string): Promise<string | null>;
  /** Space on the filesystem holding path (which must exist), or null when statfs fails. */
  diskSpace(path: string): Promise<DiskSpace | null>;
  /** The Docker engine behind /var/run/docker.sock; null when there is none (normal). */
  docker(): Promise<DockerInfo | null>;
}
