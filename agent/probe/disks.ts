import { dirname } from "node:path";
import type { Disk } from "../../protocol/hardware.ts";
import type { ProbeSources } from "./sources.ts";

// Free space where the agent keeps its state and where k3s's containerd keeps images. Before setup
// those directories may not exist yet; they will be created on the filesystem of their nearest
// existing parent, so that is the one to measure.

export interface Mount {
  mount: string;
  fsType: string;
}

/** parseMounts reads /proc/self/mounts, undoing its octal escapes (\040 is a space). */
export function parseMounts(text: string): (Mount & { device: string })[] {
  const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
  return text
    .split("\n")
    .map((line) => line.split(" "))
    .filter((cols) => cols.length >= 3)
    .map(([device, mount, fsType]) => ({ device: unescape(device!), mount: unescape(mount!), fsType: fsType! }));
}

/** mountOf finds the mount holding path: the longest mount point that is a prefix (the last one wins on ties, as the kernel stacks them). */
export function mountOf(mounts: Mount[], path: string): Mount | null {
  let best: Mount | null = null;
  for (const m of mounts) {
    const inside = path === m.mount || m.mount === "/" || path.startsWith(`${m.mount}/`);
    if (inside && (!best || m.mount.length >= best.mount.length)) best = m;
  }
  return best;
}

/** nearestExisting walks up from path to the first directory that exists, symlinks resolved. */
export async function nearestExisting(sources: ProbeSources, path: string): Promise<string | null> {
  for (let p = path; ; p = dirname(p)) {
    const real = await sources.realPath(p);
    if (real !== null) return real;
    if (p === dirname(p)) return null;
  }
}

/** readDisk measures the filesystem that holds (or will hold) path; null when it cannot be measured. */
export async function readDisk(sources: ProbeSources, purpose: Disk["purpose"], path: string): Promise<Disk | null> {
  const existing = await nearestExisting(sources, path);
  if (existing === null) return null;
  const space = await sources.diskSpace(existing);
  if (space === null) return null;
  const mounts = parseMounts((await sources.readText("/proc/self/mounts")) ?? "");
  const mount = mountOf(mounts, existing);
  return { purpose, path, mount: mount?.mount ?? "/", fsType: mount?.fsType ?? "unknown", ...space };
}
