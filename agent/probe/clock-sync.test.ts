import { expect, test } from "bun:test";
import { readClockSync } from "./clock-sync.ts";
import { fakeSources, healthyMachine } from "./fake-sources.ts";

test("timedatectl's NTPSynchronized answers first", async () => {
  const m = healthyMachine();
  expect(await readClockSync(fakeSources(m))).toEqual({ synced: true, source: "timedatectl" });
  m.commands.timedatectl = { code: 0, stdout: "no\n" };
  expect(await readClockSync(fakeSources(m))).toEqual({ synced: false, source: "timedatectl" });
});

test("without systemd as PID 1, timedatectl fails and chrony is asked", async () => {
  const m = healthyMachine();
  m.commands.timedatectl = { code: 1, stderr: "System has not been booted with systemd as init system (PID 1). Can't operate.\n" };
  m.programs.chronyc = "/usr/bin/chronyc";
  m.commands.chronyc = { code: 0, stdout: "Reference ID    : C0A80101 (192.168.1.1)\nLeap status     : Normal\n" };
  expect(await readClockSync(fakeSources(m))).toEqual({ synced: true, source: "chrony" });
  m.commands.chronyc = { code: 0, stdout: "Reference ID    : 00000000 ()\nLeap status     : Not synchronised\n" };
  expect(await readClockSync(fakeSources(m))).toEqual({ synced: false, source: "chrony" });
});

test("systemd-timesyncd's marker file counts; nothing at all means unknown", async () => {
  const m = healthyMachine();
  m.commands.timedatectl = { code: 1 };
  m.paths.push("/run/systemd/timesync/synchronized");
  expect(await readClockSync(fakeSources(m))).toEqual({ synced: true, source: "systemd-timesyncd" });
  const bare = healthyMachine();
  bare.programs = {};
  expect(await readClockSync(fakeSources(bare))).toEqual({ synced: null, source: null });
});
