import { expect, test } from "bun:test";
import { DEFAULT_REWARD_POLICY } from "../rewards/policy.ts";
import { parseRegistryConfig, RegistryConfigError } from "./registry-config.ts";

const REGIONS = `regions:
  - id: r1
    name: Region 1
    locationRegion: na-us-west
    latitude: 45
    longitude: -122
    probeUrl: https://probe.example.org/
    status: planned
`;

function problems(yaml: string): string[] {
  try {
    parseRegistryConfig(REGIONS + yaml, "test.yaml");
  } catch (err) {
    if (err instanceof RegistryConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

test("a config without a rewards section stays valid; with an empty one the policy is the default", () => {
  expect(parseRegistryConfig(REGIONS, "test.yaml").rewards).toBeUndefined();
  const config = parseRegistryConfig(`${REGIONS}rewards: {}\n`, "test.yaml");
  expect(config.rewards!.policy).toEqual(DEFAULT_REWARD_POLICY);
  expect(config.rewards!.autoClose).toBe(true);
});

test("percentages become basis points and amounts whole micro-units", () => {
  const config = parseRegistryConfig(`${REGIONS}rewards:\n  provider: akash1t3xpjep5pt99kefe8wlf6vjfeht3hcnxklz8nh\n  policy: { version: 3, feePercent: 12.5, availabilityPool: { idlePercent: 40, busyPercent: 2.25 }, denoms: [uakt], minimumPayout: { uakt: 5000000 } }\n`, "test.yaml");
  expect(config.rewards!.policy).toMatchObject({ version: 3, feeBps: 1250, availabilityIdleBps: 4000, availabilityBusyBps: 225, denoms: ["uakt"], minimumPayout: { uakt: "5000000" } });
});

test("mistakes are named by field, with what to write instead", () => {
  expect(problems("rewards:\n  policy: { feePercent: 10 }\n")).toEqual(["rewards.policy.version: is required"]);
  expect(problems("rewards:\n  policy: { version: 1, feePercent: 10.125 }\n")[0]).toBe("rewards.policy.feePercent: must be a percentage between 0 and 100 with at most two decimals (the platform fee)");
  expect(problems("rewards:\n  policy: { version: 1, availabilityPool: { idlePercent: 5, busyPercent: 10 } }\n")[0]).toContain("busyPercent must not exceed idlePercent");
  expect(problems("rewards:\n  provider: akash1nope\n")[0]).toContain('rewards.provider: "akash1nope" is not an Akash address');
  expect(problems("rewards:\n  chain: { restUrl: api.akashnet.net }\n")[0]).toContain("rewards.chain.restUrl: must be an http:// or https:// URL");
  expect(problems("rewards:\n  policy: { version: 1, feePercnt: 10 }\n")[0]).toBe("rewards.policy.feePercnt: unknown key; did you mean feePercent?");
});
