import type { DoctorReport } from "../../protocol/checks.ts";
import { ignoreChecksFlag, jsonFlag, stateDirFlag } from "../config/common-flags.ts";
import { parseCheckIds } from "../probe/ignore-checks.ts";
import type { DoctorOptions } from "../probe/doctor.ts";
import { EXIT, type Command } from "./command.ts";

// `akash-home doctor` probes this machine directly, with no daemon: it is what an owner runs when setup
// cannot even start.

/** makeDoctorCommand lets tests run the command against fixture machines. */
export function makeDoctorCommand(doctor?: (opts: DoctorOptions) => Promise<DoctorReport>): Command {
  return {
    name: "doctor",
    summary: "check whether this computer can join, and how to fix what stops it",
    usage: "akash-home doctor [--json] [--state-dir DIR] [--ignore-checks ID,ID]",
    flags: [stateDirFlag, jsonFlag, ignoreChecksFlag],
    async run({ values, io, env }) {
      // Loaded on use: the probe pulls in systeminformation and dockerode, which the daemon must not carry.
      const probe = doctor ?? (await import("../probe/doctor.ts")).runDoctor;
      const { formatDoctorReport } = await import("../probe/report-text.ts");
      const report = await probe({ stateDir: String(values["state-dir"]), ignore: parseCheckIds(String(values["ignore-checks"] ?? "")) });
      if (values.json === true) io.out(`${JSON.stringify(report, null, 2)}\n`);
      else io.out(formatDoctorReport(report, { colour: io.isTty && !env.NO_COLOR }));
      return report.ready ? EXIT.ok : EXIT.failure;
    },
  };
}

export const doctorCommand: Command = makeDoctorCommand();
