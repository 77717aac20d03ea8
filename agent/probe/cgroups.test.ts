import { expect, test } from "bun:test";
import { readCgroups } from "./cgroups.ts";
import { fakeSources, healthyMachine, type FakeMachine } from "./fake-sources.ts";

function machine(edit: (m: FakeMachine) => void): FakeMachine {
  const m = healthyMachine();
  delete m.files["/sys/fs/cgroup/cgroup.controllers"];
  edit(m);
  return m;
}

test("cgroup v2 lists the root's controllers", async () => {
  expect(await readCgroups(fakeSources(healthyMachine()))).toEqual({ version: "v2", controllers: ["cpuset", "cpu", "io", "memory", "hugetlb", "pids", "rdma", "misc"] });
});

test("hybrid: v1 controllers plus an empty v2 tree under unified/", async () => {
  const m = machine((m) => m.paths.push("/sys/fs/cgroup/unified/cgroup.controllers", "/sys/fs/cgroup/memory"));
  expect((await readCgroups(fakeSources(m))).version).toBe("hybrid");
});

test("legacy v1 and no cgroups at all", async () => {
  expect((await readCgroups(fakeSources(machine((m) => m.paths.push("/sys/fs/cgroup/memory"))))).version).toBe("v1");
  expect((await readCgroups(fakeSources(machine(() => {})))).version).toBe("unknown");
});
