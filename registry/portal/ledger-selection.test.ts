import { expect, test } from "bun:test";
import type { EarningsStatement, LedgerLine } from "../../protocol/index.ts";
import { selectLines } from "./ledger-selection.ts";

const line = (over: Partial<LedgerLine>): LedgerLine => ({
  epochId: 1,
  entry: "epoch/1/1",
  line: 1,
  account: "owner/akash1x",
  device: "ah-a",
  denom: "uakt",
  amount: "10",
  kind: "availability_credit",
  gross: "12",
  fee: "2",
  explanation: "",
  ...over,
});

const epoch = (epochId: number, settled: boolean) => ({ epochId, startsAt: "", endsAt: "", policyVersion: 1, denom: "uakt", usage: "0", availability: "0", gross: "0", fee: "0", net: "0", settled });

const statement: EarningsStatement = {
  subject: { kind: "owner", id: "akash1x" },
  fromEpoch: null,
  toEpoch: null,
  totals: [],
  epochs: [epoch(1, true), epoch(2, false)],
  lines: [
    line({ epochId: 1, line: 1 }),
    line({ epochId: 1, line: 2, kind: "usage_credit", device: "ah-b" }),
    line({ epochId: 1, line: 3, kind: "fee", account: "fee", device: null, gross: null, fee: null, amount: "4" }),
    line({ epochId: 2, line: 1 }),
    line({ epochId: 2, line: 2, denom: "uact" }),
    line({ epochId: null, entry: "payout/1", kind: "payout", device: null, amount: "-30", gross: null, fee: null }),
  ],
  policies: [],
};

test("net, gross and fee open the devices' credit lines; pending and settled split them by whether their epoch was paid", () => {
  const keys = (r: { lines: LedgerLine[] }) => r.lines.map((l) => `${l.epochId}/${l.line}`);
  expect(keys(selectLines(statement, { show: "net", denom: "uakt", device: null, epoch: null }, 100))).toEqual(["1/1", "1/2", "2/1"]);
  expect(keys(selectLines(statement, { show: "pending", denom: "uakt", device: null, epoch: null }, 100))).toEqual(["2/1"]);
  expect(keys(selectLines(statement, { show: "settled", denom: "uakt", device: null, epoch: null }, 100))).toEqual(["1/1", "1/2", "null/1"]);
  expect(keys(selectLines(statement, { show: "fee", denom: "uakt", device: "ah-b", epoch: null }, 100))).toEqual(["1/2"]);
  expect(keys(selectLines(statement, { show: "net", denom: "uakt", device: null, epoch: 2 }, 100))).toEqual(["2/1"]);
});

test("a long selection is cut at the limit and says how many more there are", () => {
  const r = selectLines(statement, { show: "net", denom: "uakt", device: null, epoch: null }, 2);
  expect(r.lines).toHaveLength(2);
  expect(r.more).toBe(1);
});
