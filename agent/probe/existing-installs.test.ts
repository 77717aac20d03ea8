import { expect, test } from "bun:test";
import { isPresent, readK3s, readTailscale, runningProcessNames } from "./existing-installs.ts";
import { fakeSources, healthyMachine } from "./fake-sources.ts";

test("a clean machine has neither", async () => {
  const sources = fakeSources(healthyMachine());
  const procs = await runningProcessNames(sources);
  expect(isPresent(await readK3s(sources, procs))).toBe(false);
  expect(isPresent(await readTailscale(sources, procs))).toBe(false);
});

test("a k3s agent install is found by binary, unit, process and uninstall script", async () => {
  const m = healthyMachine();
  m.programs.k3s = "/usr/local/bin/k3s";
  m.paths.push("/etc/systemd/system/k3s-agent.service", "/usr/local/bin/k3s-agent-uninstall.sh");
  m.dirs["/proc"] = ["1", "812", "self"];
  m.files["/proc/812/comm"] = "k3s-agent\n";
  const sources = fakeSources(m);
  expect(await readK3s(sources, await runningProcessNames(sources))).toEqual({
    binaries: ["/usr/local/bin/k3s"],
    units: ["k3s-agent.service"],
    running: ["k3s-agent"],
    uninstallers: ["/usr/local/bin/k3s-agent-uninstall.sh"],
  });
});

test("tailscale installed from the package, with tailscaled running", async () => {
  const m = healthyMachine();
  m.programs.tailscale = "/usr/bin/tailscale";
  m.programs.tailscaled = "/usr/sbin/tailscaled";
  m.paths.push("/lib/systemd/system/tailscaled.service");
  m.dirs["/proc"] = ["1", "640"];
  m.files["/proc/640/comm"] = "tailscaled\n";
  const sources = fakeSources(m);
  const ts = await readTailscale(sources, await runningProcessNames(sources));
  expect(ts).toMatchObject({ binaries: ["/usr/bin/tailscale", "/usr/sbin/tailscaled"], units: ["tailscaled.service"], running: ["tailscaled"] });
});
