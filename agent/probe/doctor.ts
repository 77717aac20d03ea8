import { isAbsolute, resolve } from "node:path";
import type { DoctorReport } from "../../protocol/checks.ts";
import { runChecks } from "./checks/all-checks.ts";
import { defaultSources } from "./default-sources.ts";
import { gatherFacts } from "./gather-facts.ts";
import { ignoreChecks } from "./ignore-checks.ts";
import type { ProbeSources } from "./sources.ts";

export type { ProbeSources } from "./sources.ts";
// The GPU readers the benchmark reuses.
export { parseNvidiaSmiXml, type NvidiaSmiGpu } from "./gpu/nvidia-smi-xml.ts";
export { probeNvidia, readNvidiaGpus, type NvidiaProbe } from "./gpu/nvidia-probe.ts";

/** Where k3s's containerd keeps images and layers (k3s's default data dir). */
export const DEFAULT_IMAGES_DIR = "/var/lib/rancher";

export interface DoctorOptions {
  stateDir: string;
  /** Where container images will live; measured at its nearest existing parent until k3s creates it. */
  imagesDir?: string;
  /** The machine to read; the real one by default, fixtures in tests. */
  sources?: ProbeSources;
  /** Ids of failing checks the owner chose to ignore (--ignore-checks). */
  ignore?: readonly string[];
}

/**
 * runDoctor probes the machine and judges whether it can join. It does not throw because a source
 * failed: what could not be read becomes a check that says so.
 */
export async function runDoctor(opts: DoctorOptions): Promise<DoctorReport> {
  const sources = opts.sources ?? defaultSources();
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(p));
  const facts = await gatherFacts(sources, { state: abs(opts.stateDir), images: abs(opts.imagesDir ?? DEFAULT_IMAGES_DIR) });
  const checks = ignoreChecks(runChecks(facts), opts.ignore ?? []);
  return {
    at: new Date().toISOString(),
    hardware: facts.hardware,
    checks,
    ready: !checks.some((c) => c.status === "fail" && c.blocking),
  };
}
