// A backend over a temp dir with injected probe and benchmark runners, for tests of everything that drives it.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BenchResult, DoctorReport, RegistryClient } from "../../protocol/index.ts";
import { createRegistryClient } from "../../protocol/index.ts";
import { AGENT_STATE_VERSION, AgentState, initialAgentState } from "../state/agent-state.ts";
import { JsonFile } from "../state/json-file.ts";
import { AgentBackend, type BackendDeps } from "./agent-backend.ts";

/** testBackend builds an AgentBackend whose state lives in a fresh temp dir; deps can be overridden. */
export function testBackend(opts: { doctor: () => DoctorReport; bench: () => BenchResult; overrides?: Partial<BackendDeps> }) {
  const stateDir = mkdtempSync(join(tmpdir(), "akash-home-backend-"));
  const file = new JsonFile(join(stateDir, "state.json"), AgentState, AGENT_STATE_VERSION);
  const events: string[] = [];
  const deps: BackendDeps = {
    build: { version: "1.2.3", commit: "abc123" },
    device: { id: "ah-testdevice000000", publicKey: "pk" },
    stateDir,
    pageUrl: "http://127.0.0.1:7777",
    configuredRegistry: null,
    store: { load: () => file.read() ?? initialAgentState(), save: (s) => file.write(s) },
    runDoctor: async () => opts.doctor(),
    lastDoctor: null,
    runBench: async (quick, onProgress) => {
      onProgress({ step: "cpu-single", fraction: 0.1, message: "CPU, one core" });
      return { ...opts.bench(), quick };
    },
    lastBench: null,
    saveBench: () => {},
    registryClient: (url): RegistryClient => createRegistryClient(url, 1000),
    log: (event) => void events.push(event),
    ...opts.overrides,
  };
  return { backend: new AgentBackend(deps), stateDir, events, reload: () => new AgentBackend(deps) };
}
