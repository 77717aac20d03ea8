// Earnings through the real registry process: the rewards section of its config points at an Akash REST
// endpoint on loopback that answers with the recorded response shapes (tests/fixtures/akash-chain), so
// closing epochs reads leases, prices and block heights over HTTP as it would from a chain node. Operators
// close epochs, verify them and try a payout; an owner and a device read their earnings and the CSV.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { fromBech32, toBech32 } from "@cosmjs/encoding";
import { ErrorEnvelope, REGISTRY_API, type DeviceEarnings, type EarningsPolicyView, type EpochSummaryList, type EpochVerification, type OwnerEarnings } from "../../protocol/index.ts";
import * as v from "valibot";
import { fixture, startAkashRestStub, type AkashRestStub } from "../support/akash-rest-stub.ts";
import { newOwnerWallet, signInOwner, type OwnerWallet, type TestOwner } from "../support/owner-wallet.ts";
import { oneRegionYaml, startRegistryProcess, type RegistryProcess } from "../support/registry-process.ts";
import { checkIn, newDevice, sessionFetch } from "./support/device-requests.ts";

const PROVIDER = "akash1t3xpjep5pt99kefe8wlf6vjfeht3hcnxklz8nh";
const HOUR = 3_600_000;
/** The first epoch began two days ago, on the hour: epochs 1 and 2 have ended. */
const FIRST = Math.floor(Date.now() / HOUR) * HOUR - 48 * HOUR;

let chain: AkashRestStub;
let registry: RegistryProcess;
let operatorWallet: OwnerWallet;
let operator: TestOwner;
let owner: TestOwner;
let deviceId = "";
let deviceToken = "";

beforeAll(async () => {
  chain = startAkashRestStub({
    genesisMs: FIRST,
    genesisHeight: 23_990_000,
    leases: (url) => {
      const first = JSON.parse(fixture("leases-v1beta5-page-1.json"));
      return url.searchParams.get("pagination.key") === first.pagination.next_key ? fixture("leases-v1beta5-page-2.json") : fixture("leases-v1beta5-page-1.json");
    },
  });
  operatorWallet = await newOwnerWallet();
  const yaml = `${oneRegionYaml({ admins: [operatorWallet.address] })}rewards:
  provider: ${PROVIDER}
  chain: { restUrl: "${chain.url}" }
  firstEpochStartsAt: "${new Date(FIRST).toISOString()}"
  autoClose: false
  policy: { version: 1, feePercent: 12.5, epochHours: 24 }
`;
  registry = await startRegistryProcess({ regionsYaml: yaml, flags: ["--ip-rate", "0"] });
  operator = await signInOwner(registry.url, operatorWallet);
  owner = await signInOwner(registry.url);
  const device = newDevice();
  const answer = await checkIn(registry.url, device, await owner.claimCode());
  deviceId = answer.device.deviceId;
  deviceToken = answer.session.token;
}, 60_000);

afterAll(async () => {
  await registry?.stop();
  chain?.stop();
});

async function refusal(res: Response, status: number): Promise<string> {
  expect(res.status).toBe(status);
  const body = v.parse(ErrorEnvelope, await res.json());
  return JSON.stringify(body);
}

describe("earnings over the registry's API", () => {
  test("anyone can read the policy, each rule in plain words", async () => {
    const policy = (await (await fetch(registry.url + REGISTRY_API.earningsPolicy)).json()) as EarningsPolicyView;
    expect(policy.current.version).toBe(1);
    expect(policy.current.lines.join("\n")).toContain("The platform fee, 12.5 % of revenue, comes off first.");
  });

  test("only an operator of every region sees and closes epochs; epochs close in order", async () => {
    expect(await refusal(await owner.call("GET", REGISTRY_API.adminEpochs), 403)).toContain("only an operator of every region");
    const list = (await (await operator.call("GET", REGISTRY_API.adminEpochs)).json()) as EpochSummaryList;
    expect(list.epochs.map((e) => [e.epochId, e.status])).toEqual([
      [3, "open"],
      [2, "open"],
      [1, "open"],
    ]);
    expect(await refusal(await operator.call("POST", REGISTRY_API.adminCloseEpochs, { epochId: 2 }), 409)).toContain("close the earlier one first");
    expect(await refusal(await operator.call("POST", REGISTRY_API.adminCloseEpochs, { epochId: 3 }), 409)).toContain("epoch_not_ended");
  });

  test("closing reads the provider's leases and heights from the chain: revenue is price × blocks", async () => {
    const res = await operator.call("POST", REGISTRY_API.adminCloseEpochs, {});
    expect(res.status).toBe(200);
    const { epochs } = (await res.json()) as EpochSummaryList;
    expect(epochs.map((e) => e.epochId)).toEqual([1, 2]);
    const [e1, e2] = epochs as [EpochSummaryList["epochs"][number], EpochSummaryList["epochs"][number]];
    expect([e1.startHeight, e1.endHeight, e2.startHeight]).toEqual(["23990000", "24004400", "24004400"]);
    const revenue = Object.fromEntries(e1.denoms.map((d) => [d.denom, d.revenue]));
    // uakt: 14 400 blocks × 12.5 (open all epoch) + 5 005 × 3 (stopped for insufficient funds at 23 995 005).
    // uact: 14 400 × 4.826603. USDC: 50 blocks × 0.532 (closed at 23 990 050). The lease closed long before: nothing.
    expect(revenue).toEqual({ uakt: "195015", uact: "69503.0832", "ibc/170C677610AC31DF0904FFE09CD3B5C657492170E7E52372E48756B71E56F2F1": "26.6" });
    // No device was Ready in a cluster, so nobody was available: the pool carries over, to the last micro-unit.
    for (const d of e1.denoms) expect([d.ownerCredits, d.fee, d.carryOut]).toEqual(["0", "0", d.revenue]);
    for (const d of e2.denoms) expect(d.carryIn).toBe(e1.denoms.find((x) => x.denom === d.denom)!.carryOut);
    const again = (await (await operator.call("POST", REGISTRY_API.adminCloseEpochs, { epochId: 1 })).json()) as EpochSummaryList;
    expect(again.epochs[0]).toEqual(e1);
  });

  test("an operator can have a closed epoch recomputed and compared line by line", async () => {
    const v1 = (await (await operator.call("GET", `${REGISTRY_API.adminEpochs}/1/verify`)).json()) as EpochVerification;
    expect(v1).toMatchObject({ epochId: 1, matches: true, difference: null });
    expect(await refusal(await operator.call("GET", `${REGISTRY_API.adminEpochs}/3/verify`), 409)).toContain("epoch 3 is not closed");
    expect(await refusal(await operator.call("GET", `${REGISTRY_API.adminEpochs}/x/verify`), 400)).toContain("must be a number");
  });

  test("with no one owed the minimum, a payout is refused with the reason", async () => {
    expect(await refusal(await operator.call("POST", REGISTRY_API.adminPayouts, { denom: "uakt" }), 409)).toContain("no owner is owed at least the minimum payout of 1000000 uakt");
    expect(await refusal(await operator.call("POST", REGISTRY_API.adminPayouts, { denom: "ufoo" }), 400)).toContain("not a denomination of the reward policy");
    expect(await refusal(await operator.call("POST", `${REGISTRY_API.adminPayouts}/99/record`, { txHashes: ["zz"] }), 400)).toContain("64 hexadecimal characters");
  });

  test("the device reads its own earnings and why they are zero", async () => {
    const res = await sessionFetch(registry.url, deviceToken, "GET", REGISTRY_API.deviceEarnings);
    expect(res.status).toBe(200);
    const e = (await res.json()) as DeviceEarnings;
    expect(e.totals).toEqual([]);
    expect(e.epochs.map((r) => r.epochId)).toEqual([2, 1]);
    expect(e.epochs[0]!.verdict!.reason).toContain("no benchmark on record");
    expect(e.nextCloseAt).toBe(new Date(FIRST + 72 * HOUR).toISOString());
    expect((await sessionFetch(registry.url, "forged", "GET", REGISTRY_API.deviceEarnings)).status).toBe(401);
  });

  test("the owner sets where payouts go; a wrong address is refused with what to do and changes nothing; signed out it is refused", async () => {
    const path = REGISTRY_API.ownerPayoutAddress;
    expect(await (await owner.call("GET", path)).json()).toEqual({ payoutAddress: owner.address, isOwn: true });
    const cold = operatorWallet.address;
    expect(await (await owner.call("POST", path, { address: cold })).json()).toEqual({ payoutAddress: cold, isOwn: false });
    const cosmos = toBech32("cosmos", fromBech32(cold, 90).data);
    expect(await refusal(await owner.call("POST", path, { address: cosmos }), 400)).toContain("switch your wallet to the Akash network");
    expect(await refusal(await owner.call("POST", path, { address: 42 }), 400)).toContain("address");
    expect(await (await owner.call("GET", path)).json()).toEqual({ payoutAddress: cold, isOwn: false });
    // Another owner's setting is theirs alone.
    expect(await (await operator.call("GET", path)).json()).toEqual({ payoutAddress: operatorWallet.address, isOwn: true });
    expect((await fetch(registry.url + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ address: owner.address }) })).status).toBe(401);
    expect(await (await owner.call("POST", path, { address: "" })).json()).toEqual({ payoutAddress: owner.address, isOwn: true });
  });

  test("the owner reads their summary, their device's earnings (not another's), and the CSV", async () => {
    const mine = (await (await owner.call("GET", REGISTRY_API.ownerEarnings)).json()) as OwnerEarnings;
    expect(mine).toMatchObject({ owner: owner.address, totals: [], payouts: [] });
    expect(mine.minimumPayout.find((m) => m.denom === "uakt")!.amount).toBe("1000000");
    const path = REGISTRY_API.ownerDeviceEarnings.replace(":id", deviceId);
    expect((await owner.call("GET", path)).status).toBe(200);
    expect(await refusal(await operator.call("GET", path), 404)).toContain(`you have no device ${deviceId}`);
    const csv = await owner.call("GET", `${REGISTRY_API.ownerStatementCsv}?from=1&to=2`);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect((await csv.text()).split("\r\n")[0]).toBe("epoch,entry,line,account,device,kind,denom,gross,fee,amount,explanation");
    const deviceCsv = await owner.call("GET", `${REGISTRY_API.ownerStatementCsv}?device=${deviceId}`);
    expect(deviceCsv.headers.get("content-disposition")).toContain(`akash-home-earnings-${deviceId}.csv`);
    expect(await refusal(await operator.call("GET", `${REGISTRY_API.ownerStatementCsv}?device=${deviceId}`), 404)).toContain(`you have no device ${deviceId}`);
    expect(await refusal(await owner.call("GET", `${REGISTRY_API.ownerStatement}?from=3&to=1`), 400)).toContain("from is after to");
    expect((await fetch(registry.url + REGISTRY_API.ownerEarnings)).status).toBe(401);
  });
});
