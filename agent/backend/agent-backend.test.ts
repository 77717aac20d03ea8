import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sampleBenchResult, sampleDoctorReport } from "../../tests/fixtures/reports.ts";
import { StepError } from "./step-error.ts";
import { createTestBackend, fakeDeviceClient, type TestBackendOptions } from "./testing/test-backend.ts";
import { RegistryRefused, createRegistryClient, type RegionSummary, type BenchResult, type DoctorReport, type UpEvent } from "../../protocol/index.ts";

/** testBackend: a backend whose probe and benchmark give these results, talking HTTP to real registries. */
function testBackend(opts: { doctor: () => DoctorReport; bench: () => BenchResult } & TestBackendOptions) {
  const { doctor, bench, ...rest } = opts;
  const options: TestBackendOptions = {
    runDoctor: async () => doctor(),
    runBench: async (quick, onProgress) => {
      onProgress({ step: "cpu-single", fraction: 0.1, message: "CPU, one core" });
      return { ...bench(), quick };
    },
    registry: (url) => createRegistryClient(url, 1000),
    ...rest,
  };
  const t = createTestBackend(options);
  return { ...t, reload: () => createTestBackend({ ...options, stateDir: t.stateDir }).backend };
}

let registry: ReturnType<typeof Bun.serve>;
let closedPort: number;
beforeAll(() => {
  registry = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const path = new URL(req.url).pathname;
      if (path === "/healthz") return new Response("ok");
      if (path === "/api/v1/regions")
        return Response.json({ regions: [{ id: "us-west-1", name: "US West", locationRegion: "na-us-west", probeUrl: "http://127.0.0.1/probe", status: "active", admission: "open", capacity: 250, devices: 0, full: false }] });
      return new Response("not found", { status: 404 });
    },
  });
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  closedPort = probe.port!;
  probe.stop(true);
});
afterAll(() => registry.stop(true));

const ready = () => testBackend({ doctor: () => sampleDoctorReport(), bench: () => sampleBenchResult() });
const stepError = async (fn: () => unknown): Promise<StepError> => {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StepError);
    return err as StepError;
  }
  throw new Error("expected a StepError");
};

describe("a new device", () => {
  test("starts at the welcome step, not set up, with nothing run", () => {
    const s = ready().backend.status();
    expect(s.phase).toBe("setup");
    expect(s.setupStep).toBe("welcome");
    expect(s.doctor).toBeNull();
    expect(s.bench).toBeNull();
    expect(s.claimed).toBe(false);
  });
});

describe("the wizard", () => {
  test("cannot skip ahead of the step reached", async () => {
    const { backend } = ready();
    backend.goTo("hardware");
    const err = await stepError(() => backend.goTo("join"));
    expect(err.message).toContain('finish "hardware" first');
  });

  test("a blocking failed check stops the device, naming the check", async () => {
    const { backend } = testBackend({ doctor: () => sampleDoctorReport({ ready: false }), bench: () => sampleBenchResult() });
    await backend.runDoctor();
    const err = await stepError(() => backend.acceptHardware());
    expect(err.message).toContain("Disk for container images");
    expect(backend.status().doctor).toMatchObject({ ready: false, failing: 1, warnings: 1 });
  });

  test("passing checks, then a benchmark, move the wizard on and survive a restart", async () => {
    const { backend, reload } = ready();
    backend.goTo("hardware");
    await backend.runDoctor();
    backend.acceptHardware();
    expect(backend.status().setupStep).toBe("benchmark");
    const [a, b] = [backend.bench.start(true), backend.bench.start(false)];
    expect(a).toBe(b); // one run at a time
    await a;
    expect(backend.status().setupStep).toBe("claim");
    expect(backend.status().bench).toMatchObject({ quick: true, singleCore: 1520 });
    expect(reload().status().setupStep).toBe("claim");
  });

  test("going back to the checks and on again does not move the wizard backwards", async () => {
    const { backend } = ready();
    await backend.runDoctor();
    backend.acceptHardware();
    await backend.bench.start(true);
    backend.setClaim("K7QX-3MPA");
    expect(backend.status().setupStep).toBe("region");
    backend.acceptHardware();
    expect(backend.status().setupStep).toBe("region");
  });

  test("a probe that fails is shown with its reason until the next run, which clears it", async () => {
    let fail = true;
    const { backend } = testBackend({ doctor: () => { if (fail) throw new Error("nvidia-smi hung"); return sampleDoctorReport(); }, bench: () => sampleBenchResult() });
    backend.startDoctor();
    expect(backend.doctorState().running).toBe(true);
    // A second caller shares the run in flight, so awaiting it waits for the background one.
    await backend.runDoctor().catch(() => {});
    expect(backend.doctorState()).toEqual({ running: false, runError: "nvidia-smi hung" });
    fail = false;
    await backend.runDoctor();
    expect(backend.doctorState()).toEqual({ running: false, runError: null });
    expect(backend.lastDoctor()?.ready).toBe(true);
  });

  test("a failing benchmark is shown, not thrown at the page", async () => {
    const { backend } = testBackend({ doctor: () => sampleDoctorReport(), bench: () => { throw new Error("disk full"); } });
    await expect(backend.bench.start(true)).rejects.toThrow("disk full");
    expect(backend.benchState()).toMatchObject({ running: false, error: "disk full" });
  });
});

describe("the registry", () => {
  test("an unreachable registry is reported with the reason", async () => {
    const { backend } = ready();
    const reach = await backend.setRegistry(`http://127.0.0.1:${closedPort}`);
    expect(reach.reachable).toBe(false);
    expect(reach.error).toContain("registry not reachable");
    expect(backend.status().registry).toMatchObject({ reachable: false, url: `http://127.0.0.1:${closedPort}` });
    const err = await stepError(() => backend.regions());
    expect(err.message).toContain("not reachable");
    expect(err.fix).toContain("settings you made");
  });

  test("a reachable registry lists its regions", async () => {
    const { backend } = ready();
    expect((await backend.setRegistry(registry.url.origin)).reachable).toBe(true);
    expect((await backend.regions()).map((r) => r.id)).toEqual(["us-west-1"]);
  });

  test("a registry set by flag or env cannot be changed from the page", async () => {
    const { backend } = testBackend({ doctor: () => sampleDoctorReport(), bench: () => sampleBenchResult(), configuredRegistry: "https://configured.example" });
    const err = await stepError(() => backend.setRegistry("https://other.example"));
    expect(err.message).toContain("https://configured.example");
    expect(backend.registryUrl()).toBe("https://configured.example");
  });
});

describe("joining", () => {
  test("says which step is missing", async () => {
    const { backend } = ready();
    expect((await stepError(() => backend.join())).step).toBe("hardware");
    await backend.runDoctor();
    expect((await stepError(() => backend.join())).step).toBe("benchmark");
    await backend.bench.start(true);
    expect((await stepError(() => backend.join())).step).toBe("claim");
  });

  test("headless up walks every step and stops at an unreachable registry with a fix", async () => {
    const { backend } = ready();
    const events: UpEvent[] = [];
    const err = await stepError(() => backend.up({ registry: `http://127.0.0.1:${closedPort}`, claim: "K7QX-3MPA", yes: true }, (e) => events.push(e)));
    expect(err.step).toBe("join");
    expect(err.message).toContain("registry not reachable");
    expect(events.map((e) => e.type === "progress" && e.step)).toEqual(["hardware", "benchmark", "region", "join", "join"]);
    const s = backend.status();
    expect(s.claimed).toBe(true);
    expect(s.share).toEqual({ cpuCores: 31, memoryGiB: 48, gpus: ["GPU-5b8a3f0e-2c4e-4b8f-9d3c-7f1a2b3c4d5e"], hours: null });
    expect(s.setupStep).toBe("join");
  });

  test("check-in records where the registry put the device, and forgets the spent claim code", async () => {
    const region = { id: "us-west-1", name: "US West", locationRegion: "na-us-west", probeUrl: "http://127.0.0.1/probe", status: "active", admission: "open", capacity: 250, devices: 0, full: false } as const;
    const { backend, reload } = testBackend({ doctor: () => sampleDoctorReport(), bench: () => sampleBenchResult(), deviceClient: fakeDeviceClient([region]) });
    const events: UpEvent[] = [];
    const s = await backend.up({ registry: registry.url.origin, claim: "K7QX-3MPA", yes: true, share: { cpuCores: 4 } }, (e) => events.push(e));
    expect(s).toMatchObject({ phase: "joining", owner: "akash1testowner", region: { id: "us-west-1" }, standing: { state: "assigned" }, setupStep: "dashboard" });
    expect(events.map((e) => (e.type === "progress" ? e.message : e.type))).toContain("assigned to US West (us-west-1)");
    // The standing survives a restart; the claim code, now spent, is not kept.
    expect(reload().status()).toMatchObject({ phase: "joining", standing: { state: "assigned" }, claimed: true });
  });

  test("a refused claim code sends the owner back to the claim step with the registry's fix", async () => {
    const refusing = (url: string) => ({
      ...fakeDeviceClient("unreachable")(url),
      checkIn: async () => {
        throw new RegistryRefused(409, "claim_code_used", "this claim code was already used by another device", "make a new claim code for each device in the owner portal");
      },
    });
    const { backend } = testBackend({ doctor: () => sampleDoctorReport(), bench: () => sampleBenchResult(), deviceClient: refusing });
    const err = await stepError(() => backend.up({ registry: registry.url.origin, claim: "K7QX-3MPA", yes: true, share: { cpuCores: 4 } }, () => {}));
    expect(err.step).toBe("claim");
    expect(err.message).toContain("already used");
    expect(err.fix).toContain("new claim code");
    expect(backend.status().claimed).toBe(false);
  });

  test("up without --yes and no share settings asks for them", async () => {
    const { backend } = ready();
    const err = await stepError(() => backend.up({ registry: registry.url.origin, claim: "K7QX-3MPA", yes: false }, () => {}));
    expect(err.step).toBe("share");
    expect(err.fix).toContain("--yes");
  });

  test("up on a machine that fails its checks stops with each failing check and its fix", async () => {
    const { backend } = testBackend({ doctor: () => sampleDoctorReport({ ready: false }), bench: () => sampleBenchResult() });
    const err = await stepError(() => backend.up({ yes: true }, () => {}));
    expect(err.message).toContain("38 GiB free");
    expect(err.fix).toContain("free up space");
  });
});

describe("start-up notices", () => {
  test("what the daemon repaired is in the status until the next start", () => {
    const { backend } = testBackend({ doctor: () => sampleDoctorReport(), bench: () => sampleBenchResult(), startupNotices: ["state.json was corrupt; kept it aside"] });
    expect(backend.status().notices).toEqual(["state.json was corrupt; kept it aside"]);
    expect(ready().backend.status().notices).toEqual([]);
  });
});

describe("pause, resume, leave", () => {
  test("a device that has not joined cannot be paused", async () => {
    const err = await stepError(() => ready().backend.pause());
    expect(err.message).toContain("has not joined");
  });
  test("leaving forgets the claim but keeps the device identity", async () => {
    const { backend } = ready();
    backend.setClaim("K7QX-3MPA");
    const s = await backend.down();
    expect(s.claimed).toBe(false);
    expect(s.deviceId).toBe("dev-7f3k2m9q");
  });
});

describe("standing refresh", () => {
  test("a waiting device checks in again without its spent code and learns it was placed", async () => {
    const full: RegionSummary = { id: "us-west-1", name: "US West", locationRegion: "na-us-west", probeUrl: "http://127.0.0.1/probe", status: "active", admission: "open", capacity: 1, devices: 1, full: true };
    let regions: RegionSummary[] = [full];
    const claims: (string | null)[] = [];
    const client = (url: string) => {
      const inner = fakeDeviceClient(regions)(url);
      return { ...inner, checkIn: async (req: Parameters<typeof inner.checkIn>[0]) => (claims.push(req.claimCode), inner.checkIn(req)) };
    };
    const { backend } = testBackend({ doctor: () => sampleDoctorReport(), bench: () => sampleBenchResult(), deviceClient: client });
    await backend.up({ registry: registry.url.origin, claim: "K7QX-3MPA", yes: true, share: { cpuCores: 4 } }, () => {});
    expect(backend.status().phase).toBe("waitlisted");
    regions = [{ ...full, devices: 0, full: false }];
    await backend.refreshStanding();
    expect(backend.status()).toMatchObject({ phase: "joining", region: { id: "us-west-1" } });
    expect(claims).toEqual(["K7QX-3MPA", null]);
  });
});

describe("pause and resume while waiting", () => {
  test("a waitlisted device that is paused and resumed is waiting again, not joining", async () => {
    const full: RegionSummary = { id: "us-west-1", name: "US West", locationRegion: "na-us-west", probeUrl: "http://127.0.0.1/probe", status: "active", admission: "open", capacity: 1, devices: 1, full: true };
    const { backend } = testBackend({ doctor: () => sampleDoctorReport(), bench: () => sampleBenchResult(), deviceClient: fakeDeviceClient([full]) });
    await backend.up({ registry: registry.url.origin, claim: "K7QX-3MPA", yes: true, share: { cpuCores: 4 } }, () => {});
    expect((await backend.pause()).phase).toBe("paused");
    expect((await backend.resume()).phase).toBe("waitlisted");
  });
});
