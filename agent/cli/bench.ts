// `akash-home bench`: measure this device and save the result. Works without a daemon; the daemon runs
// `akash-home bench --progress` as a child process and reads its NDJSON lines.
import { stateDirFlag, jsonFlag, registryFlag } from "../config/common-flags.ts";
import { EXIT, type Command } from "./command.ts";

export const benchCommand: Command = {
  name: "bench",
  summary: "measure this device's CPU, memory, disk, network and GPUs (under a minute; --quick under 10 s)",
  usage: "akash-home bench [--quick] [--registry URL] [--json | --progress] [--state-dir DIR]",
  flags: [
    stateDirFlag,
    jsonFlag,
    registryFlag,
    { name: "quick", kind: "boolean", help: "a shorter, rougher run", default: false },
    { name: "progress", kind: "boolean", help: "print each progress event as one JSON line on stdout, then the result as the last line", default: false },
  ],
  async run({ values, io }) {
    // Loaded on use: every command shares one binary, and the agent daemon must not carry the benchmark.
    const [{ runBench, saveBench }, { benchFile }, { checkWritable }, { formatBench }, { networkTargets }, { nvidiaGpuBench }] = await Promise.all([
      import("../bench/run-bench.ts"),
      import("../bench/bench-file.ts"),
      import("../bench/disk-bench.ts"),
      import("../bench/format-bench.ts"),
      import("../bench/registry-targets.ts"),
      import("../bench/nvidia-gpu-bench.ts"),
    ]);
    const stateDir = values["state-dir"] as string;
    const registry = (values.registry as string | undefined) ?? null;
    const quick = values.quick === true;
    const progress = values.progress === true;
    const json = values.json === true;

    let result;
    try {
      // Fail before asking the registry or measuring anything when the result could not be kept.
      checkWritable(stateDir);
      const targets = await networkTargets(registry);
      result = await runBench({
        quick,
        stateDir,
        regions: targets.regions,
        regionsError: targets.regionsError,
        downloadUrl: targets.downloadUrl,
        gpus: () => nvidiaGpuBench(),
        onProgress: (p) => {
          if (progress) io.out(JSON.stringify(p) + "\n");
          else if (!json) io.err(`${String(Math.round(p.fraction * 100)).padStart(3)}%  ${p.message}\n`);
        },
      });
    } catch (err) {
      io.err(`error: benchmark failed: ${(err as Error)?.message ?? String(err)}\n`);
      return EXIT.failure;
    }

    const file = benchFile(stateDir);
    try {
      saveBench(stateDir, result);
    } catch (err) {
      io.err(`error: could not save the result to ${file.path}: ${(err as Error)?.message ?? String(err)}\n`);
      return EXIT.failure;
    }
    if (progress || json) io.out(JSON.stringify(result) + "\n");
    else io.out(formatBench(result, file.path));
    return EXIT.ok;
  },
};
