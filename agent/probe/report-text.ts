import type { Check, DoctorReport } from "../../protocol/checks.ts";
import type { Gpu, Hardware } from "../../protocol/hardware.ts";
import { gib, plural } from "./format-units.ts";

// The doctor report as a terminal checklist: a hardware summary, then one line per check with its fix.

const MARK = { pass: "✓", warn: "!", fail: "✗" } as const;
const COLOUR = { pass: "\x1b[32m", warn: "\x1b[33m", fail: "\x1b[31m" } as const;
const RESET = "\x1b[0m";

function gpuLine(g: Gpu): string {
  const akash = g.akashModel ? `${g.akashModel} ${g.akashMemory ?? ""} ${g.akashInterface ?? ""}`.replace(/\s+/g, " ").trim() : "no Akash name";
  const memory = g.vramMiB > 0 ? `, ${gib(g.vramMiB * 1024 ** 2)}${g.unifiedMemory ? " unified" : ""}` : "";
  const driver = g.driverVersion ? `, driver ${g.driverVersion}, CUDA ${g.cudaVersion ?? "?"}` : "";
  return `${g.index}: ${g.name} [${g.pciId}] → ${akash}${memory}${driver}${g.supported ? "" : " (not offered)"}`;
}

function hardwareLines(hw: Hardware): string[] {
  const cpu = `${hw.cpu.model}, ${plural("core", hw.cpu.cores)} / ${plural("thread", hw.cpu.threads)} (${hw.cpu.arch})`;
  const swap = hw.memory.swapTotalBytes > 0 ? `swap ${gib(hw.memory.swapTotalBytes)}` : "swap off";
  const where = hw.virtualization.virtual ? `, ${hw.virtualization.kind ?? "virtual machine"}` : "";
  const disks = hw.disks.map((d) => `${d.purpose}: ${gib(d.freeBytes)} free of ${gib(d.totalBytes)} on ${d.mount}`);
  const gpus = hw.gpus.length ? hw.gpus.map(gpuLine) : ["none found"];
  const docker = hw.docker === null ? "not present" : hw.docker.running ? `${hw.docker.version ?? "running"}${hw.docker.nvidiaRuntime ? " (NVIDIA runtime)" : ""}` : `not answering (${hw.docker.error ?? "?"})`;
  const rows: [string, string[]][] = [
    ["Host", [hw.hostname]],
    ["CPU", [cpu]],
    ["Memory", [`${gib(hw.memory.totalBytes)} (${swap})`]],
    ["OS", [`${hw.os.distro} ${hw.os.release}, kernel ${hw.os.kernel}${where}`.replace(/\s+,/, ",")]],
    ["Disk", disks.length ? disks : ["could not be measured"]],
    ["GPUs", gpus],
    ["Docker", [docker]],
  ];
  return rows.flatMap(([name, values]) => values.map((v, i) => `  ${(i === 0 ? name : "").padEnd(8)}${v}`));
}

function checkLines(c: Check, colour: boolean): string[] {
  const mark = colour ? `${COLOUR[c.status]}${MARK[c.status]}${RESET}` : MARK[c.status];
  const lines = [`  ${mark} ${c.title}: ${c.message}`];
  if (c.fix) lines.push(`      fix: ${c.fix}`);
  return lines;
}

/** formatDoctorReport renders the report for a terminal; colour only when the caller says the output is one. */
export function formatDoctorReport(report: DoctorReport, opts: { colour: boolean }): string {
  const failing = report.checks.filter((c) => c.status === "fail" && c.blocking).length;
  const warnings = report.checks.filter((c) => c.status !== "pass").length - failing;
  const verdict = report.ready
    ? `Ready to join${warnings ? ` (${plural("note", warnings)} above)` : ""}.`
    : `Not ready: ${plural("blocking problem", failing)}. Fix ${failing === 1 ? "it" : "them"} and run "akash-home doctor" again.`;
  return [
    "Hardware",
    ...hardwareLines(report.hardware),
    "",
    "Checks",
    ...report.checks.flatMap((c) => checkLines(c, opts.colour)),
    "",
    verdict,
    "",
  ].join("\n");
}
