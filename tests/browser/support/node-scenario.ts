// The Bun side of a browser scenario: bundles the scenario file for Node and runs it there, handing it
// its input as JSON in SCENARIO_INPUT and reading back one StepResult line per step. Playwright's client
// under Bun now and then handles a response after the request it belongs to was disposed ("Cannot find
// parent object request@…") and the browser session dies mid-walk; under Node it does not.
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { StepResult } from "./scenario-browser.ts";

const ROOT = resolve(import.meta.dir, "../../..");
export const ARTIFACTS = join(ROOT, "test-artifacts");
export const SCREENSHOTS = join(ARTIFACTS, "screenshots");

export interface ScenarioRun<S extends string> {
  results: Map<S, StepResult<S>>;
  /** Everything the scenario printed, for the failure message of a step it never reported. */
  output: string;
}

/** runNodeScenario bundles `entry` and runs it under Node until it exits. */
export async function runNodeScenario<S extends string>(entry: string, input: unknown): Promise<ScenarioRun<S>> {
  // Bundled into the repository's own artifacts folder so that Node finds playwright-core in node_modules.
  const outdir = join(ARTIFACTS, "browser-scenario");
  mkdirSync(outdir, { recursive: true });
  const built = await Bun.build({ entrypoints: [entry], outdir, target: "node", format: "esm", external: ["playwright-core"], naming: "[name].mjs" });
  if (!built.success) throw new Error(`could not bundle the browser scenario ${entry}: ${built.logs.join("\n")}`);
  const node = Bun.spawn(["node", built.outputs[0]!.path], { cwd: ROOT, env: { ...process.env, SCENARIO_INPUT: JSON.stringify(input) }, stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(node.stdout).text(), new Response(node.stderr).text(), node.exited]);
  const results = new Map<S, StepResult<S>>();
  for (const line of out.split("\n")) {
    if (!line.startsWith("{")) continue;
    const r = JSON.parse(line) as StepResult<S>;
    results.set(r.step, r);
  }
  return { results, output: `${out}${err}` };
}
