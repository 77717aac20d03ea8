import { afterEach, describe, expect, test } from "bun:test";
import * as v from "valibot";
import { BenchProgress, ShareSettings, type BenchResult, type RegionSummary } from "../../protocol/index.ts";
import { RTX_4090, sampleBenchResult, sampleDoctorReport } from "../../tests/fixtures/reports.ts";
import type { AgentState } from "../state/agent-state.ts";
import { PageClient } from "./testing/page-client.ts";
import { createTestBackend, type TestBackend, type TestBackendOptions } from "../backend/testing/test-backend.ts";
import { createWebApp } from "./web-app.ts";

const XSS = `<img src=x onerror=alert(1)>`;
const XSS_ESCAPED = "&lt;img src=x onerror=alert(1)&gt;";

const REGIONS: RegionSummary[] = [
  { id: "eu-central-1", name: "Frankfurt", locationRegion: "eu-central", probeUrl: "https://fra.example.org/probe", status: "active", admission: "open", capacity: 250, devices: 3, full: false },
  { id: "us-west-1", name: "Oregon", locationRegion: "na-us-west", probeUrl: "https://pdx.example.org/probe", status: "active", admission: "open", capacity: 250, devices: 250, full: true },
  { id: "ap-south-1", name: "Mumbai", locationRegion: "as-in-west", probeUrl: "https://bom.example.org/probe", status: "planned", admission: "open", capacity: 250, devices: 0, full: false },
];

let t: TestBackend;
afterEach(() => t?.cleanup());

/** at starts the page with the wizard already at `step` and this browser signed in. */
async function at(step: AgentState["setupStep"], opts: TestBackendOptions = {}, state: Partial<AgentState> = {}) {
  t = createTestBackend({ lastDoctor: sampleDoctorReport(), lastBench: sampleBenchResult(), ...opts, state: { setupStep: step, ...state, ...opts.state } });
  const app = createWebApp({ backend: t.backend, gate: t.gate, listen: "127.0.0.1:7777", log: t.log });
  const client = new PageClient(app);
  await client.signIn(t.gate);
  return client;
}

const html = async (res: Response | Promise<Response>) => (await res).text();

/** until polls a condition the background runs change (doctor, bench, join). */
async function until(cond: () => boolean, ms = 2000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await Bun.sleep(5);
  }
}

describe("step indicator and navigation", () => {
  test("every page shows all steps; reached ones link back, later ones do not", async () => {
    const client = await at("region");
    const page = await html(client.get("/region"));
    for (const label of ["Welcome", "Hardware", "Benchmark", "Owner", "Region", "Share", "Join", "Dashboard"]) expect(page).toContain(`>${label}</span>`);
    expect(page).toContain('href="/hardware"');
    expect(page).toContain('href="/claim"');
    expect(page).toContain('aria-current="step"');
    expect(page).not.toContain('href="/share"');
    expect(page).toContain("Step 5 of 8: Region");
  });

  test("an earlier step can be opened again without moving the wizard back", async () => {
    const client = await at("share");
    expect((await client.get("/hardware")).status).toBe(200);
    expect((await client.get("/benchmark")).status).toBe(200);
    expect(t.backend.status().setupStep).toBe("share");
  });

  test("a later step's URL sends the owner to the step they are on", async () => {
    const client = await at("claim");
    const res = await client.get("/share");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/claim");
  });

  test("form posts redirect with 303, or with HX-Location for htmx", async () => {
    const client = await at("hardware");
    const plain = await client.post("/hardware/continue");
    expect(plain.status).toBe(303);
    expect(plain.headers.get("location")).toBe("/benchmark");
    const viaHtmx = await client.post("/benchmark/continue", {}, { "hx-request": "true" });
    expect(viaHtmx.headers.get("hx-location")).toBe("/claim");
  });
});

describe("welcome", () => {
  test("a signed-in browser is offered to continue where it left off", async () => {
    const client = await at("benchmark");
    const page = await html(client.get("/welcome"));
    expect(page).toContain("This browser is signed in");
    expect(page).toContain('href="/benchmark"');
    expect(page).not.toContain('name="code"');
  });
});

describe("hardware and checks", () => {
  test("shows the machine, GPUs with their Akash model, and every check with its message and fix", async () => {
    const client = await at("hardware", { lastDoctor: sampleDoctorReport({ ready: true }) });
    const page = await html(client.get("/hardware"));
    expect(page).toContain("Ryzen 9 7950X · 16 cores, 32 threads · 4.5 GHz");
    expect(page).toContain("64 GiB");
    expect(page).toContain("NVIDIA GeForce RTX 4090");
    expect(page).toContain("rtx4090 · 24Gi · pcie");
    expect(page).toContain("570.124.06 / CUDA 12.8");
    expect(page).toContain("8 GiB of swap is on");
    expect(page).toContain("sudo swapoff -a");
    expect(page).toContain("This computer can join, with warnings");
    expect(page).toMatch(/<button type="submit" class="button primary">\s*Continue to benchmark/);
  });

  test("a failing blocking check disables continue and says why; forcing it anyway is refused with the fix", async () => {
    const client = await at("hardware", { lastDoctor: sampleDoctorReport({ ready: false }) });
    const page = await html(client.get("/hardware"));
    expect(page).toContain("One check must pass before this computer can join");
    expect(page).toContain("38 GiB free; 100 GiB needed");
    expect(page).toContain("free up space or point the image store at a bigger disk");
    expect(page).toContain("Required to join");
    expect(page).toContain('disabled aria-describedby="continue-blocked"');
    expect(page).toContain("Continue is off until this check passes: Disk for container images.");
    const forced = await client.post("/hardware/continue");
    expect(forced.status).toBe(409);
    const again = await forced.text();
    expect(again).toContain("This machine cannot join yet: Disk for container images.");
    expect(again).toContain("Fix the failing checks, then run the checks again.");
    expect(t.backend.status().setupStep).toBe("hardware");
  });

  test("running the checks again polls a self-replacing partial until the report is in", async () => {
    let finish: () => void = () => {};
    const report = sampleDoctorReport();
    const client = await at("hardware", { lastDoctor: null, runDoctor: () => new Promise((r) => (finish = () => r(report))) });
    expect(await html(client.get("/hardware"))).toContain("Checking this computer…");
    const running = await html(client.get("/hardware/progress"));
    expect(running).toContain('id="doctor-panel"');
    expect(running).toContain('hx-trigger="load delay:800ms"');
    expect(running).toContain('hx-swap="outerHTML"');
    finish();
    await until(() => t.backend.lastDoctor() !== null);
    await Bun.sleep(1);
    const done = await html(client.get("/hardware/progress"));
    expect(done).not.toContain("hx-trigger");
    expect(done).toContain("Checks");
    expect((await client.post("/hardware/check")).headers.get("location")).toBe("/hardware");
  });

  test("a probe that fails says so and offers to try again", async () => {
    const client = await at("hardware", {
      lastDoctor: null,
      runDoctor: async () => {
        throw new Error("systeminformation crashed");
      },
    });
    await until(() => !t.logs.every((l) => l.event !== "hardware check failed"));
    const page = await html(client.get("/hardware"));
    expect(page).toContain("The checks could not run");
    expect(page).toContain("Systeminformation crashed.");
    expect(page).toContain("Check this computer");
  });
});

describe("start-up notices", () => {
  test("what the agent repaired at start shows on every step, as text", async () => {
    const client = await at("claim", { lastDoctor: sampleDoctorReport(), lastBench: sampleBenchResult(), startupNotices: [`state.json ${XSS} was set aside`] });
    for (const path of ["/hardware", "/claim"]) {
      const page = await html(client.get(path));
      expect(page).toContain("The agent repaired something on its own");
      expect(page).toContain(XSS_ESCAPED);
      expect(page).not.toContain("<img src=x");
    }
  });
});

describe("device and user strings are escaped", () => {
  test("a hostile hostname, GPU name, driver and check text appear as text, never as markup", async () => {
    const gpu = { ...RTX_4090, name: XSS, driverVersion: XSS, unsupportedReason: XSS, supported: false };
    const report = sampleDoctorReport({ hostname: XSS, gpus: [gpu] });
    report.checks[0]!.message = XSS;
    report.checks[3]!.fix = XSS;
    const bench: BenchResult = { ...sampleBenchResult(), gpus: [{ ...sampleBenchResult().gpus[0]!, name: XSS }], network: { regions: [{ regionId: XSS, rttMs: null, error: XSS }], downloadMBps: null, error: XSS } };
    const client = await at("join", { lastDoctor: report, lastBench: bench, registry: [{ ...REGIONS[0]!, name: XSS, locationRegion: XSS }] }, { registryUrl: 'http://127.0.0.1:9/"><b>', share: { cpuCores: 2, memoryGiB: 4, gpus: [], hours: null } });
    for (const path of ["/hardware", "/benchmark", "/claim", "/region", "/share", "/join"]) {
      const page = await html(client.get(path));
      expect(page).not.toContain("<img src=x");
      expect(page).not.toContain('"><b>');
    }
    expect(await html(client.get("/hardware"))).toContain(XSS_ESCAPED);
    expect(await html(client.get("/benchmark"))).toContain(XSS_ESCAPED);
    expect(await html(client.get("/share"))).toContain(XSS_ESCAPED);
    expect(await html(client.get("/region"))).toContain(XSS_ESCAPED);
  });
});

describe("benchmark", () => {
  test("quick run: live progress in a polling partial, then results with units, then on to the owner step", async () => {
    let progress: (p: BenchProgress) => void = () => {};
    let finish: (r: BenchResult) => void = () => {};
    const client = await at("benchmark", {
      lastBench: null,
      runBench: (quick, onProgress) => {
        expect(quick).toBe(true);
        progress = onProgress;
        return new Promise((r) => (finish = r));
      },
    });
    const before = await html(client.get("/benchmark"));
    expect(before).toContain("No benchmark yet");
    expect(before).toContain('name="mode" value="quick"');
    expect(before).toContain('name="mode" value="full"');
    expect(before).not.toContain("Continue to owner");

    expect((await client.post("/benchmark", { mode: "quick" })).headers.get("location")).toBe("/benchmark");
    progress(v.parse(BenchProgress, { step: "disk", fraction: 0.42, message: "measuring the disk" }));
    const running = await html(client.get("/benchmark/progress"));
    expect(running).toContain('hx-trigger="load delay:500ms"');
    expect(running).toContain('hx-get="/benchmark/progress"');
    expect(running).toContain("measuring the disk");
    expect(running).toContain('<progress id="bench-progress" max="100" value="42">');
    expect(running).toContain("Running the quick benchmark");

    finish(sampleBenchResult(true));
    await until(() => !t.backend.benchState().running);
    const done = await html(client.get("/benchmark/progress"));
    expect(done).not.toContain("hx-trigger");
    expect(done).toContain("1,520");
    expect(done).toContain("work units / s");
    expect(done).toContain("41,000");
    expect(done).toContain("MB/s");
    expect(done).toContain("3,105 MHz");
    expect(done).toContain("450 W");
    expect(done).toContain("Continue to owner");
    // The backend moves on by itself once a result is in.
    expect(t.backend.status().setupStep).toBe("claim");
  });

  test("a full run asks for the full benchmark; a failed run shows the reason", async () => {
    const client = await at("benchmark", {
      lastBench: null,
      runBench: async (quick) => {
        throw new Error(quick ? "quick?" : "disk is read-only");
      },
    });
    await client.post("/benchmark", { mode: "full" });
    await until(() => !t.backend.benchState().running);
    const page = await html(client.get("/benchmark"));
    expect(page).toContain("The benchmark did not finish");
    expect(page).toContain("Disk is read-only.");
  });

  test("continue without a result is refused with what to do", async () => {
    const client = await at("benchmark", { lastBench: null });
    const res = await client.post("/benchmark/continue");
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("The benchmark has not run yet.");
  });
});

describe("owner claim", () => {
  test("with no registry set, asks for its address and a claim code", async () => {
    const client = await at("claim");
    const page = await html(client.get("/claim"));
    expect(page).toContain("No registry is set yet");
    expect(page).toContain('name="registry"');
    expect(page).toContain('name="claim"');
    expect(page).toContain("Shown here once the registry confirms the claim code.");
  });

  test("an unreachable registry is shown clearly, with the reason and what to do", async () => {
    const client = await at("claim", { registry: "unreachable" }, { registryUrl: "http://127.0.0.1:9" });
    const page = await html(client.get("/claim"));
    expect(page).toContain("Registry not reachable");
    expect(page).toContain("Registry not reachable at http://127.0.0.1:9: Unable to connect.");
    expect(page).toContain("What to do:");
    expect(page).toContain("Check the address for typos");
    const partial = await html(client.get("/claim/registry-status"));
    expect(partial).toStartWith('<div id="registry-status">');
    expect(partial).toContain("Registry not reachable");
  });

  test("bad input is refused inline with the protocol schema's messages", async () => {
    const client = await at("claim");
    const res = await client.post("/claim", { registry: "not a url", claim: "ab" });
    expect(res.status).toBe(422);
    const page = await res.text();
    expect(page).toContain("The registry must be a URL like https://registry.example.org.");
    expect(page).toContain("A claim code has at least 4 characters.");
    expect(page).toContain('value="not a url"');
    expect(t.backend.status().claimed).toBe(false);
  });

  test("saved with an unreachable registry: the page stays to explain, and offers to go on", async () => {
    const client = await at("claim", { registry: "unreachable" });
    const res = await client.post("/claim", { registry: "http://127.0.0.1:9/", claim: "CLAIM-1234" });
    expect(res.headers.get("location")).toBe("/claim");
    expect(t.backend.status().claimed).toBe(true);
    expect(t.backend.registryUrl()).toBe("http://127.0.0.1:9");
    const page = await html(client.get("/claim"));
    expect(page).toContain("Registry not reachable");
    expect(page).toContain("Continue without the registry");
    expect(JSON.stringify(t.logs)).not.toContain("CLAIM-1234");
  });

  test("saved with a reachable registry: on to the region", async () => {
    const client = await at("claim", { registry: REGIONS });
    const res = await client.post("/claim", { registry: "https://registry.example.org", claim: "CLAIM-1234" });
    expect(res.headers.get("location")).toBe("/region");
    expect(t.backend.status().setupStep).toBe("region");
  });

  test("a registry from the agent's configuration is shown, not asked for", async () => {
    const client = await at("claim", { configuredRegistry: "https://configured.example.org", registry: REGIONS });
    const page = await html(client.get("/claim"));
    expect(page).not.toContain('name="registry"');
    expect(page).toContain("https://configured.example.org");
    expect(page).toContain("Registry reachable");
    expect((await client.post("/claim", { claim: "CLAIM-1234" })).headers.get("location")).toBe("/region");
  });
});

describe("region", () => {
  test("lists the registry's regions with nearest first; planned ones cannot be picked", async () => {
    const client = await at("region", { registry: REGIONS }, { registryUrl: "https://registry.example.org", claimCode: "CLAIM-1234" });
    const page = await html(client.get("/region"));
    expect(page).toContain('value="auto" checked');
    expect(page).toContain("Frankfurt");
    expect(page).toContain("waiting list");
    expect(page).toMatch(/value="ap-south-1" disabled/);
    const refused = await client.post("/region", { region: "ap-south-1" });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("Mumbai is not open yet");
    expect((await client.post("/region", { region: "eu-central-1" })).headers.get("location")).toBe("/share");
    expect(t.backend.regionChoice()).toBe("eu-central-1");
  });

  test("an unreachable registry is shown clearly; the nearest region can still be chosen", async () => {
    const client = await at("region", { registry: "unreachable" }, { registryUrl: "http://127.0.0.1:9", claimCode: "CLAIM-1234" });
    const page = await html(client.get("/region"));
    expect(page).toContain("Registry not reachable");
    expect(page).toContain("You can still choose the nearest region now.");
    expect((await client.post("/region", { region: "auto" })).headers.get("location")).toBe("/share");
  });

  test("no registry at all points back to the owner step", async () => {
    const client = await at("region");
    const page = await html(client.get("/region"));
    expect(page).toContain("No registry is set.");
    expect(page).toContain('href="/claim"');
  });
});

describe("what to share", () => {
  test("starts from sensible defaults: all threads but one, three quarters of memory, every supported GPU", async () => {
    const client = await at("share");
    const page = await html(client.get("/share"));
    expect(page).toContain('name="cpuCores" type="number" value="31"');
    expect(page).toContain('name="memoryGiB" type="number" value="48"');
    expect(page).toContain(`value="${RTX_4090.uuid}" checked`);
    expect(page).toContain('value="always" checked');
  });

  test("refused values come back with the schema's message next to the field", async () => {
    const client = await at("share");
    const res = await client.post("/share", { cpuCores: "0", memoryGiB: "999", hours: "window", from: "25:00", to: "07:00", gpus: "GPU-not-here" });
    expect(res.status).toBe(422);
    const page = await res.text();
    expect(page).toContain("Share at least 1 CPU core");
    expect(page).toContain("This computer has 64 GiB; share at most that much.");
    expect(page).toContain("Use 24-hour HH:MM, e.g. 22:00.");
    expect(page).toContain("Choose only graphics cards this computer can share.");
    expect(page).toContain('value="999"');
    expect(t.backend.status().share).toBeNull();
  });

  test("valid settings are saved as ShareSettings and the wizard goes on to join", async () => {
    const client = await at("share");
    const res = await client.post("/share", { cpuCores: "8", memoryGiB: "16", gpus: [RTX_4090.uuid!], hours: "window", from: "22:00", to: "07:00" });
    expect(res.headers.get("location")).toBe("/join");
    const share = t.backend.status().share;
    expect(v.is(ShareSettings, share)).toBe(true);
    expect(share).toEqual({ cpuCores: 8, memoryGiB: 16, gpus: [RTX_4090.uuid!], hours: { from: "22:00", to: "07:00" } });
  });
});

describe("join", () => {
  const ready = { registryUrl: "http://127.0.0.1:9", claimCode: "CLAIM-1234", share: { cpuCores: 4, memoryGiB: 8, gpus: [], hours: null } };

  test("shows the choices, then the join's StepError with its fix", async () => {
    const client = await at("join", { registry: "unreachable" }, ready);
    const page = await html(client.get("/join"));
    expect(page).toContain("Your choices");
    expect(page).toContain("4 threads");
    expect(page).toContain("Nearest region, picked at check-in");
    expect(page).toContain("Join the network");
    expect((await client.post("/join")).headers.get("location")).toBe("/join");
    await until(() => t.backend.status().registry.reachable === false);
    await Bun.sleep(5);
    const done = await html(client.get("/join/progress"));
    expect(done).not.toContain("hx-trigger");
    expect(done).toContain("Joining did not finish");
    expect(done).toContain("Registry not reachable at http://127.0.0.1:9");
    expect(done).toContain("Check the registry address and this machine&#x27;s internet connection, then join again; your settings are kept.");
    expect(done).toContain("checking in with http://127.0.0.1:9");
    expect(done).toContain("Try joining again");
  });

  test("a check-in that finds a place says the computer joined; one that is waitlisted says it waits in line instead", async () => {
    const placed = await at("join", { registry: REGIONS }, ready);
    await placed.post("/join");
    await until(() => t.backend.status().setupStep === "dashboard");
    await Bun.sleep(5);
    const joined = await html(placed.get("/join/progress"));
    expect(joined).toContain("This computer has joined");
    expect(joined).toContain("assigned to Frankfurt (eu-central-1)");

    const full = await at("join", { registry: REGIONS.map((r) => ({ ...r, full: true })) }, ready);
    await full.post("/join");
    await until(() => t.backend.status().setupStep === "dashboard");
    await Bun.sleep(5);
    const waiting = await html(full.get("/join/progress"));
    expect(waiting).toContain("Checked in: this computer is on the waiting list");
    expect(waiting).not.toContain("has joined");
    expect(waiting).toContain("position 1 of 1");
    expect(waiting).toContain('href="/dashboard"');
  });

  test("a StepError about an earlier step links to that step", async () => {
    const client = await at("join", { lastBench: null }, ready);
    await client.post("/join");
    await Bun.sleep(5);
    const done = await html(client.get("/join/progress"));
    expect(done).toContain("The benchmark has not run.");
    expect(done).toContain('href="/benchmark"');
  });
});

describe("dashboard", () => {
  const joined = { phase: "online", registryUrl: "https://registry.example.org", claimCode: "CLAIM-1234", owner: "akash1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu", region: { id: "eu-central-1", name: "Frankfurt" }, share: { cpuCores: 8, memoryGiB: 16, gpus: [RTX_4090.uuid!], hours: null } } as const;

  test("shows status, connection, registry, workloads, usage and the controls", async () => {
    const client = await at("dashboard", { registry: REGIONS }, { ...joined, share: { ...joined.share, gpus: [...joined.share.gpus] } });
    const page = await html(client.get("/dashboard"));
    expect(page).toContain(">Online</span>");
    expect(page).toContain("Frankfurt");
    expect(page).toContain(joined.owner);
    expect(page).toContain("No workloads yet.");
    expect(page).toContain("8 threads");
    expect(page).toContain("1 shared");
    // The sample report has one warning (swap): counted in the singular.
    expect(page).toContain("ready, 1 warning<");
    expect(page).toContain('action="/dashboard/pause"');
    expect(page).toMatch(/action="\/dashboard\/leave" hx-confirm="Leave the network\?/);
  });

  test("pause, resume and leave change the agent's standing", async () => {
    const client = await at("dashboard", { registry: REGIONS }, { ...joined, share: { ...joined.share, gpus: [] } });
    expect((await client.post("/dashboard/pause")).headers.get("location")).toBe("/dashboard");
    expect(t.backend.status().paused).toBe(true);
    expect(await html(client.get("/dashboard"))).toContain('action="/dashboard/resume"');
    await client.post("/dashboard/resume");
    expect(t.backend.status().paused).toBe(false);
    expect((await client.post("/dashboard/leave")).headers.get("location")).toBe("/");
    expect(t.backend.status().phase).toBe("left");
  });

  test("a refused action is shown on the dashboard with its reason", async () => {
    const client = await at("dashboard", { registry: REGIONS }, { ...joined, share: { ...joined.share, gpus: [] } });
    const res = await client.post("/dashboard/resume");
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("This device is not paused.");
  });
});
