import { expect, test } from "bun:test";
import { childEnv } from "./self-exec.ts";

test("the benchmark and probe children run with the JIT the daemon's unit turns off", () => {
  const env = childEnv({ PATH: "/usr/bin", BUN_JSC_useJIT: "0", AKASH_HOME_REGISTRY: "https://r.example.org" });
  expect(env).toEqual({ PATH: "/usr/bin", AKASH_HOME_REGISTRY: "https://r.example.org" });
});
