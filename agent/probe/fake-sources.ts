import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { DockerInfo } from "../../protocol/hardware.ts";
import type { DiskSpace, ProbeSources, RunResult, SystemFacts } from "./sources.ts";

// A machine described as data, for tests: a healthy Linux box to start from, and overrides per case.
// Only tests import this file.

const GiB = 1024 ** 3;

export interface FakeMachine {
  /** systeminformation's view; an Error makes system() throw. */
  system: SystemFacts | Error;
  /** readText: path → contents. Also makes the path (and its parents) exist. */
  files: Record<string, string>;
  /** listDir: path → entries. */
  dirs: Record<string, string[]>;
  /** Other paths that exist (empty dirs, sockets, markers). */
  paths: string[];
  /** which: program name → full path. */
  programs: Record<string, string>;
  /** run: program name (basename of argv[0]) → result. */
  commands: Record<string, Partial<RunResult> | ((argv: string[]) => Partial<RunResult>)>;
  /** diskSpace: path → space; the longest matching prefix answers. */
  disks: Record<string, DiskSpace>;
  docker: DockerInfo | null | Error;
}

export const HEALTHY_SYSTEM: SystemFacts = {
  hostname: "desk",
  cpu: { vendor: "AMD", model: "AMD Ryzen 7 5800X", cores: 8, threads: 16, speedGHz: 4.7, flags: ["avx2", "sse4_2"] },
  memory: { totalBytes: 32 * GiB, availableBytes: 28 * GiB, swapTotalBytes: 0 },
  os: { platform: "linux", distro: "Ubuntu", release: "24.04.1 LTS", kernel: "6.8.0-45-generic", arch: "x64" },
  virtualization: { virtual: false, kind: null },
};

/** healthyMachine passes every check: enough of everything, cgroup v2, systemd, NTP, nothing in the way. */
export function healthyMachine(): FakeMachine {
  return {
    system: structuredClone(HEALTHY_SYSTEM),
    files: {
      "/etc/machine-id": "0123456789abcdef0123456789abcdef\n",
      "/proc/meminfo": "MemTotal:       33554432 kB\nSwapTotal:             0 kB\n",
      "/sys/fs/cgroup/cgroup.controllers": "cpuset cpu io memory hugetlb pids rdma misc\n",
      "/proc/self/mounts": "/dev/nvme0n1p2 / ext4 rw,relatime 0 0\nproc /proc proc rw 0 0\n",
      "/proc/net/tcp": "  sl  local_address rem_address   st\n   0: 0100007F:0CB5 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1\n",
      "/proc/net/udp": "  sl  local_address rem_address   st\n",
      "/proc/1/comm": "systemd\n",
    },
    dirs: { "/proc": ["1", "self", "net"], "/sys/bus/pci/devices": [] },
    paths: ["/", "/run/systemd/system", "/var/lib"],
    programs: { timedatectl: "/usr/bin/timedatectl" },
    commands: { timedatectl: { code: 0, stdout: "yes\n" } },
    disks: { "/": { totalBytes: 1000 * GiB, freeBytes: 500 * GiB } },
    docker: null,
  };
}

function existsIn(m: FakeMachine, path: string): boolean {
  const all = [...Object.keys(m.files), ...Object.keys(m.dirs), ...m.paths];
  return all.some((p) => p === path || p.startsWith(path === "/" ? "/" : `${path}/`));
}

/** fakeSources answers every ProbeSources call from the machine description. */
export function fakeSources(m: FakeMachine): ProbeSources {
  return {
    async system() {
      if (m.system instanceof Error) throw m.system;
      return m.system;
    },
    readText: async (path) => m.files[path] ?? null,
    listDir: async (path) => m.dirs[path] ?? null,
    exists: async (path) => existsIn(m, path),
    realPath: async (path) => (existsIn(m, path) ? path : null),
    async run(argv) {
      const answer = m.commands[basename(argv[0] ?? "")];
      if (!answer) return { code: null, stdout: "", stderr: "", timedOut: false, notFound: true };
      const r = typeof answer === "function" ? answer(argv) : answer;
      return { code: 0, stdout: "", stderr: "", timedOut: false, notFound: false, ...r };
    },
    which: async (name) => m.programs[name] ?? null,
    async diskSpace(path) {
      for (let p = path; ; p = dirname(p)) {
        const space = m.disks[p];
        if (space) return space;
        if (p === dirname(p)) return null;
      }
    },
    async docker() {
      if (m.docker instanceof Error) throw m.docker;
      return m.docker;
    },
  };
}

/** withNvidiaSmi puts nvidia-smi on the machine, printing xml (or failing with the given result). */
export function withNvidiaSmi(m: FakeMachine, result: Partial<RunResult>): FakeMachine {
  return { ...m, programs: { ...m.programs, "nvidia-smi": "/usr/bin/nvidia-smi" }, commands: { ...m.commands, "nvidia-smi": result } };
}

/** withPciDevice adds a device under /sys/bus/pci/devices. */
export function withPciDevice(m: FakeMachine, address: string, vendor: string, device: string, cls: string): FakeMachine {
  const base = `/sys/bus/pci/devices/${address}`;
  return {
    ...m,
    dirs: { ...m.dirs, "/sys/bus/pci/devices": [...(m.dirs["/sys/bus/pci/devices"] ?? []), address] },
    files: { ...m.files, [`${base}/vendor`]: `${vendor}\n`, [`${base}/device`]: `${device}\n`, [`${base}/class`]: `${cls}\n` },
  };
}

/** nvidiaFixture reads a file from tests/fixtures/nvidia-smi (see the README there: they are synthetic). */
export function nvidiaFixture(name: string): string {
  return readFileSync(join(import.meta.dir, "..", "..", "tests", "fixtures", "nvidia-smi", name), "utf8");
}
