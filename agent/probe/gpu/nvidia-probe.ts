import { THRESHOLDS } from "../../config/thresholds.ts";
import type { ProbeSources } from "../sources.ts";
import { defaultSources } from "../default-sources.ts";
import { parseNvidiaSmiXml, type NvidiaSmiGpu } from "./nvidia-smi-xml.ts";

// Runs nvidia-smi and says what happened. No nvidia-smi, or one that fails, is ordinary input here:
// most machines have no NVIDIA GPU, and a driver update without a reboot breaks nvidia-smi until the reboot.

export type NvidiaFailure = "no-driver" | "no-devices" | "version-mismatch" | "timeout" | "bad-output" | "error";

export type NvidiaProbe =
  | { status: "ok"; gpus: NvidiaSmiGpu[]; driverVersion: string | null; cudaVersion: string | null }
  | { status: "missing" }
  | { status: "failed"; reason: NvidiaFailure; detail: string };

/** classifyFailure names the usual ways nvidia-smi fails, from what it printed. */
export function classifyFailure(output: string): NvidiaFailure {
  if (/couldn't communicate with the NVIDIA driver|NVIDIA driver is not loaded/i.test(output)) return "no-driver";
  if (/No devices were found/i.test(output)) return "no-devices";
  if (/Driver\/library version mismatch/i.test(output)) return "version-mismatch";
  return "error";
}

/** probeNvidia runs `nvidia-smi -q -x` and reads its report. */
export async function probeNvidia(sources: ProbeSources = defaultSources()): Promise<NvidiaProbe> {
  const path = await sources.which("nvidia-smi");
  if (!path) return { status: "missing" };
  const result = await sources.run([path, "-q", "-x"], THRESHOLDS.nvidia.smiTimeoutMs);
  if (result.notFound) return { status: "missing" };
  if (result.timedOut) {
    return { status: "failed", reason: "timeout", detail: `nvidia-smi did not answer within ${THRESHOLDS.nvidia.smiTimeoutMs / 1000} s` };
  }
  const printed = `${result.stdout}\n${result.stderr}`.trim();
  if (result.code !== 0) {
    return { status: "failed", reason: classifyFailure(printed), detail: firstLine(printed) || `nvidia-smi exited with code ${result.code}` };
  }
  try {
    const gpus = parseNvidiaSmiXml(result.stdout);
    return { status: "ok", gpus, driverVersion: gpus[0]?.driverVersion ?? null, cudaVersion: gpus[0]?.cudaVersion ?? null };
  } catch (err) {
    return { status: "failed", reason: "bad-output", detail: (err as Error).message };
  }
}

/** readNvidiaGpus lists the NVIDIA GPUs with clocks and power limit (for the benchmark); empty when nvidia-smi is missing or fails. */
export async function readNvidiaGpus(sources: ProbeSources = defaultSources()): Promise<NvidiaSmiGpu[]> {
  const probe = await probeNvidia(sources);
  return probe.status === "ok" ? probe.gpus : [];
}

function firstLine(text: string): string {
  return text.split("\n").find((l) => l.trim() !== "")?.trim() ?? "";
}
