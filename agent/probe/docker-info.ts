import { access } from "node:fs/promises";
import type { DockerInfo } from "../../protocol/hardware.ts";

// The Docker engine, when one runs. k3s brings its own containerd, so Docker is optional: it matters only
// for the container GPU benchmark and to tell whether the NVIDIA container toolkit is set up.

/** dockerInfoFrom reads the engine's /version and /info answers. */
export function dockerInfoFrom(version: { Version?: string }, info: { Runtimes?: Record<string, unknown> }): DockerInfo {
  return { running: true, version: version.Version ?? null, nvidiaRuntime: Object.hasOwn(info.Runtimes ?? {}, "nvidia"), error: null };
}

/** readDocker asks the engine at socketPath; null when no socket exists, an error entry when it does not answer. */
export async function readDocker(socketPath: string, timeoutMs = 5_000): Promise<DockerInfo | null> {
  const present = await access(socketPath).then(
    () => true,
    () => false,
  );
  if (!present) return null;
  try {
    const { default: Docker } = await import("dockerode");
    const docker = new Docker({ socketPath, timeout: timeoutMs });
    const [version, info] = await Promise.all([docker.version(), docker.info()]);
    return dockerInfoFrom(version, info);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === "EACCES" ? `no permission to use ${socketPath} (run as root or join the docker group)` : e.message || String(err);
    return { running: false, version: null, nvidiaRuntime: false, error: why };
  }
}
