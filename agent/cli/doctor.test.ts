import { expect, test } from "bun:test";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as v from "valibot";
import { DoctorReport } from "../../protocol/checks.ts";
import { runDoctor } from "../probe/doctor.ts";
import { fakeSources, healthyMachine } from "../probe/fake-sources.ts";
import type { CommandContext } from "./command.ts";
import { doctorCommand, makeDoctorCommand } from "./doctor.ts";

function capture(values: CommandContext["values"]) {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CommandContext = { values, positionals: [], env: {}, io: { out: (t) => void out.push(t), err: (t) => void err.push(t), isTty: false } };
  return { ctx, out, err };
}

function commandFor(edit: (m: ReturnType<typeof healthyMachine>) => void) {
  const m = healthyMachine();
  edit(m);
  let seenStateDir = "";
  const cmd = makeDoctorCommand((opts) => {
    seenStateDir = opts.stateDir;
    return runDoctor({ ...opts, sources: fakeSources(m) });
  });
  return { cmd, stateDir: () => seenStateDir };
}

test("declares doctor with --state-dir, --json and --ignore-checks", () => {
  expect(doctorCommand.name).toBe("doctor");
  expect(doctorCommand.flags.map((f) => f.name)).toEqual(["state-dir", "json", "ignore-checks"]);
});

test("a ready machine exits 0 and prints the checklist", async () => {
  const { cmd, stateDir } = commandFor((m) => m.paths.push("/sys/module/nvidia_drm"));
  const { ctx, out } = capture({ "state-dir": "/srv/akash", json: false });
  expect(await cmd.run(ctx)).toBe(0);
  expect(stateDir()).toBe("/srv/akash");
  expect(out.join("")).toContain("✓ CPU: 16 CPU threads");
  expect(out.join("")).toContain("Ready to join.");
});

test("a machine that is not ready exits 1; --json prints a DoctorReport that says why", async () => {
  const { cmd } = commandFor((m) => {
    m.paths = m.paths.filter((p) => p !== "/run/systemd/system");
  });
  const { ctx, out } = capture({ "state-dir": "/var/lib/akash-home", json: true });
  expect(await cmd.run(ctx)).toBe(1);
  const report = v.parse(DoctorReport, JSON.parse(out.join("")));
  expect(report.ready).toBe(false);
  expect(report.checks.find((c) => c.id === "systemd")).toMatchObject({ status: "fail", blocking: true });
});

test("runs against this machine with no daemon, and its exit code follows the report", async () => {
  const { ctx, out } = capture({ "state-dir": join(tmpdir(), "akash-home-doctor-cli-test"), json: true });
  const code = await doctorCommand.run(ctx);
  const report = v.parse(DoctorReport, JSON.parse(out.join("")));
  expect(code).toBe(report.ready ? 0 : 1);
});
