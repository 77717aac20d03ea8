// registry/rewards/chain: the Akash chain's REST API (the Cosmos gRPC gateway), read-only: a provider's
// leases, block heights and times, and payout transactions. An adapter behind the rewards domain's ports;
// imports valibot and the rewards ports only, never HTTP routes or stores.
import * as v from "valibot";
import type { LeaseId } from "../lease-id.ts";
import type { BlockClock, BlockTime, LeaseRecord, LeaseSource } from "../ports.ts";

/** LEASES_PATH is the market module's lease list at the current API version (chain-sdk market v1beta5). */
export const LEASES_PATH = "/akash/market/v1beta5/leases/list";
export const LATEST_BLOCK_PATH = "/cosmos/base/tendermint/v1beta1/blocks/latest";
export const BLOCK_PATH = "/cosmos/base/tendermint/v1beta1/blocks/";
export const TX_PATH = "/cosmos/tx/v1beta1/txs/";

/** AVERAGE_BLOCK_MS is Akash's average block time (6.117 s, the provider pricing script's figure); only a first guess in searches. */
const AVERAGE_BLOCK_MS = 6117;

/** ChainError says what the chain endpoint did wrong and what the operator can do about it. */
export class ChainError extends Error {
  override name = "ChainError";
}

const Uint = v.union([v.pipe(v.string(), v.regex(/^\d+$/)), v.pipe(v.number(), v.integer(), v.minValue(0))]);

const ApiLeaseId = v.object({ owner: v.string(), dseq: Uint, gseq: Uint, oseq: Uint, provider: v.string() });

// market v1beta5 names the id `id` (and adds bseq); v1beta4 and earlier call it `lease_id`.
const ApiLease = v.object({
  id: v.optional(ApiLeaseId),
  lease_id: v.optional(ApiLeaseId),
  state: v.string(),
  price: v.object({ denom: v.string(), amount: v.string() }),
  created_at: Uint,
  closed_on: v.optional(Uint),
});

const LeaseList = v.object({
  leases: v.array(v.object({ lease: ApiLease })),
  pagination: v.optional(v.nullable(v.object({ next_key: v.optional(v.nullable(v.string())) }))),
});

const BlockResponse = v.object({
  block: v.object({ header: v.object({ height: Uint, time: v.string() }) }),
});

const TxResponse = v.object({
  tx_response: v.object({ txhash: v.string(), height: Uint, code: v.number(), raw_log: v.optional(v.string()) }),
});

/** rfc3339Ms reads a Tendermint time ("2026-09-01T00:00:03.123456789Z") to milliseconds, truncating below a millisecond. */
export function rfc3339Ms(text: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!m) return Number.NaN;
  const ms = (m[2] ?? "").slice(0, 3).padEnd(3, "0");
  return Date.parse(`${m[1]}.${ms}${m[3]}`);
}

function stateName(state: string): string {
  // Gateways print enum names; some older ones print them with the proto prefix.
  return state.replace(/^lease_/i, "").replace(/^LEASE_STATE_/, "").toLowerCase() || "unknown";
}

export interface AkashRestClientOptions {
  /** The REST (gRPC-gateway) endpoint, e.g. https://api.akashnet.net. */
  baseUrl: string;
  timeoutMs?: number;
  /** The lease list path; LEASES_PATH unless the chain runs another market API version. */
  leasesPath?: string;
  pageLimit?: number;
  fetch?: typeof fetch;
}

/** TxResult is what the chain says about a transaction. */
export type TxResult = { found: false } | { found: true; height: bigint; code: number; rawLog: string };

export class AkashRestClient implements LeaseSource, BlockClock {
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly leasesPath: string;
  private readonly pageLimit: number;
  private readonly doFetch: typeof fetch;

  constructor(o: AkashRestClientOptions) {
    this.base = o.baseUrl.replace(/\/+$/, "");
    this.timeoutMs = o.timeoutMs ?? 15_000;
    this.leasesPath = o.leasesPath ?? LEASES_PATH;
    this.pageLimit = o.pageLimit ?? 1000;
    this.doFetch = o.fetch ?? fetch;
  }

  private async get<T>(path: string, schema: v.GenericSchema<unknown, T>, what: string, allow404 = false): Promise<T | null> {
    let res: Response;
    try {
      res = await this.doFetch(this.base + path, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      const reason = err instanceof Error && err.name === "TimeoutError" ? `no answer within ${this.timeoutMs / 1000} s` : String((err as Error)?.message ?? err);
      throw new ChainError(`the Akash REST endpoint ${this.base} is not reachable (${reason}) while reading ${what}; check rewards.chain.restUrl`, { cause: err });
    }
    if (allow404 && res.status === 404) return null;
    const text = await res.text();
    if (!res.ok) {
      throw new ChainError(`the Akash REST endpoint ${this.base} answered ${res.status} while reading ${what}: ${text.slice(0, 200)}`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ChainError(`the Akash REST endpoint ${this.base} sent something that is not JSON for ${what}; is rewards.chain.restUrl a REST (gRPC-gateway) endpoint, not RPC?`);
    }
    const parsed = v.safeParse(schema, body);
    if (!parsed.success) {
      const issue = parsed.issues[0];
      const at = issue.path?.map((p) => p.key).join(".") ?? "";
      throw new ChainError(`the Akash REST endpoint ${this.base} sent ${what} in a shape this registry does not read (${at ? `${at}: ` : ""}${issue.message})`);
    }
    return parsed.output;
  }

  /** leasesOfProvider pages through every lease of the provider, in any state. */
  async leasesOfProvider(provider: string): Promise<LeaseRecord[]> {
    const out: LeaseRecord[] = [];
    let key: string | null = null;
    for (let page = 0; ; page++) {
      const q = new URLSearchParams({ "filters.provider": provider, "pagination.limit": String(this.pageLimit) });
      if (key) q.set("pagination.key", key);
      const body = (await this.get(`${this.leasesPath}?${q}`, LeaseList, `the leases of ${provider}`))!;
      for (const { lease } of body.leases) {
        const id = lease.id ?? lease.lease_id;
        if (!id) throw new ChainError(`the Akash REST endpoint ${this.base} sent a lease without an id`);
        const leaseId: LeaseId = { owner: id.owner, dseq: String(id.dseq), gseq: Number(id.gseq), oseq: Number(id.oseq), provider: id.provider };
        out.push({
          id: leaseId,
          state: stateName(lease.state),
          denom: lease.price.denom,
          pricePerBlock: lease.price.amount,
          createdAt: BigInt(lease.created_at),
          closedOn: BigInt(lease.closed_on ?? 0),
        });
      }
      key = body.pagination?.next_key ?? null;
      if (!key) return out;
      if (page > 100_000) throw new ChainError(`the Akash REST endpoint ${this.base} keeps paging the leases of ${provider}; giving up`);
    }
  }

  async latest(): Promise<BlockTime> {
    return this.blockFrom(LATEST_BLOCK_PATH, "the latest block");
  }

  async block(height: bigint): Promise<BlockTime> {
    return this.blockFrom(`${BLOCK_PATH}${height}`, `block ${height}`);
  }

  private async blockFrom(path: string, what: string): Promise<BlockTime> {
    const body = (await this.get(path, BlockResponse, what))!;
    const timeMs = rfc3339Ms(body.block.header.time);
    if (!Number.isFinite(timeMs)) throw new ChainError(`the Akash REST endpoint ${this.base} sent ${what} with an unreadable time ${JSON.stringify(body.block.header.time)}`);
    return { height: BigInt(body.block.header.height), timeMs };
  }

  /** firstHeightAtOrAfter searches block times: a guess from the average block time, then bisection. */
  async firstHeightAtOrAfter(timeMs: number): Promise<bigint> {
    const top = await this.latest();
    if (top.timeMs < timeMs) return top.height + 1n;
    // Invariant once found: time(lo) < timeMs ≤ time(hi).
    let hi = top.height;
    let lo = -1n;
    let step = BigInt(Math.max(1, Math.ceil((top.timeMs - timeMs) / AVERAGE_BLOCK_MS)));
    let probe = top.height - step;
    while (lo < 0n) {
      if (probe < 1n) {
        const first = await this.block(1n);
        if (first.timeMs >= timeMs) return 1n;
        lo = 1n;
        break;
      }
      const b = await this.block(probe);
      if (b.timeMs < timeMs) lo = probe;
      else {
        hi = probe;
        step *= 2n;
        probe = hi - step;
      }
    }
    while (hi - lo > 1n) {
      const mid: bigint = (lo + hi) / 2n;
      if ((await this.block(mid)).timeMs < timeMs) lo = mid;
      else hi = mid;
    }
    return hi;
  }

  /** tx says whether the chain has the transaction and whether it succeeded (code 0). */
  async tx(hash: string): Promise<TxResult> {
    const body = await this.get(`${TX_PATH}${hash}`, TxResponse, `transaction ${hash}`, true);
    if (!body) return { found: false };
    return { found: true, height: BigInt(body.tx_response.height), code: body.tx_response.code, rawLog: body.tx_response.raw_log ?? "" };
  }
}
