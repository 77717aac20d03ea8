import type { UpEvent, UpRequest } from "../../protocol/index.ts";
import { UsageError, type FlagSpec } from "../config/flags.ts";
import { claimFlag, jsonFlag, registryFlag, stateDirFlag } from "../config/common-flags.ts";
import { EXIT, type Command } from "./command.ts";
import { withDaemon } from "./daemon-call.ts";
import { statusText } from "./status-text.ts";

function positiveInt(raw: string, source: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${source}: "${raw}" must be a whole number of 1 or more`);
  return n;
}

const regionFlag: FlagSpec = { name: "region", kind: "string", placeholder: "ID", help: 'region id, or "auto" for the nearest by round-trip time', default: "auto" };
const cpuFlag: FlagSpec = { name: "cpu-cores", kind: "number", placeholder: "N", help: "CPU cores to share (default: all but one)", parse: positiveInt };
const memoryFlag: FlagSpec = { name: "memory-gib", kind: "number", placeholder: "GIB", help: "memory to share in GiB (default: three quarters)", parse: positiveInt };
const yesFlag: FlagSpec = { name: "yes", kind: "boolean", help: "accept the defaults without asking", default: false };

export const upCommand: Command = {
  name: "up",
  summary: "set up and join headless: checks, benchmark, claim, region, share, join",
  usage: "akash-home up --registry URL --claim CODE [--region auto] [--cpu-cores N] [--memory-gib N] --yes",
  flags: [stateDirFlag, registryFlag, claimFlag, regionFlag, cpuFlag, memoryFlag, yesFlag, jsonFlag],
  run({ values, io }) {
    const share: UpRequest["share"] = {};
    if (values["cpu-cores"] !== undefined) share.cpuCores = values["cpu-cores"] as number;
    if (values["memory-gib"] !== undefined) share.memoryGiB = values["memory-gib"] as number;
    const req: UpRequest = {
      registry: values.registry as string | undefined,
      claim: values.claim as string | undefined,
      region: values.region as string | undefined,
      share: Object.keys(share).length ? share : undefined,
      yes: values.yes === true,
    };
    return withDaemon(values["state-dir"] as string, io, async (client) => {
      const print = (e: UpEvent) => {
        if (values.json) io.out(JSON.stringify(e) + "\n");
        else if (e.type === "progress") io.out(`• ${e.message}\n`);
      };
      const last = await client.up(req, print);
      if (last.type === "done") {
        if (!values.json) io.out(statusText(last.status));
        return EXIT.ok;
      }
      if (last.type === "error" && !values.json) io.err(`error: ${last.message}\n${last.fix ? `fix: ${last.fix}\n` : ""}`);
      return EXIT.failure;
    });
  },
};
