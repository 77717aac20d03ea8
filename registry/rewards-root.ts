// registry/rewards-root.ts: part of the composition root. It builds the rewards domain on the store: the
// chain client when a provider and chain endpoint are configured, the cluster recorder that keeps pod and
// Node intervals from the cluster watcher's reports, the read-only sources over the heartbeat record and
// the devices, and the service, and closes each epoch shortly after it ends; it returns the earnings routes
// and a stop function. Only registry/main.ts calls it.
import type { AccountsService } from "./accounts/service.ts";
import type { RewardsConfig } from "./config/rewards-config.ts";
import type { DevicesService } from "./devices/service.ts";
import { earningsRoutes } from "./http/earnings-routes.ts";
import type { RouteDef } from "./http/route.ts";
import { AkashRestClient } from "./rewards/chain/akash-rest-client.ts";
import { ClusterRecorder } from "./rewards/cluster-recorder.ts";
import { ClusterSampler, type WatchedNode } from "./rewards/cluster-sampler.ts";
import { DEFAULT_PAYOUT_TX } from "./rewards/payout-tx.ts";
import { DEFAULT_REWARD_POLICY } from "./rewards/policy.ts";
import { RewardsService } from "./rewards/service.ts";
import { SqlDeviceFactsSource, SqlUptimeSource } from "./rewards/sql-registry-sources.ts";
import { SqlRewardsRepo } from "./rewards/sql-rewards-repo.ts";
import type { SqlDriver } from "./store/sql-driver.ts";

type Log = (event: string, fields?: Record<string, unknown>) => void;

/** How long after an epoch's end its close is first tried (the chain has a block past the end by then), and the wait after a failed try. */
const CLOSE_AFTER_END_MS = 10_000;
const CLOSE_RETRY_MS = 30_000;

export interface RewardsRootDeps {
  db: SqlDriver;
  config: RewardsConfig | undefined;
  accounts: AccountsService;
  devices: DevicesService;
  log: Log;
  /** How often the cluster's state is sampled into intervals, and ended epochs are looked for. */
  sampleEveryMs?: number;
  closeEveryMs?: number;
}

export interface RewardsRoot {
  service: RewardsService;
  routes: RouteDef[];
  /** clusterReport takes the cluster watcher's report of one Node (NodeSnapshot), for every region. */
  clusterReport(node: WatchedNode): void;
  stop(): void;
}

export async function buildRewards(d: RewardsRootDeps): Promise<RewardsRoot> {
  const c = d.config;
  const repo = new SqlRewardsRepo(d.db);
  const chain = c?.chain ? new AkashRestClient({ baseUrl: c.chain.restUrl, leasesPath: c.chain.leasesPath, timeoutMs: c.chain.timeoutMs }) : null;
  const recorder = new ClusterRecorder(repo, (c?.observationGraceS ?? 120) * 1000);
  const facts = new SqlDeviceFactsSource(d.db);
  const service = new RewardsService({
    repo,
    policy: c?.policy ?? DEFAULT_REWARD_POLICY,
    payout: c?.payout ?? DEFAULT_PAYOUT_TX,
    provider: c?.provider ?? null,
    leases: chain,
    clock: chain,
    placement: recorder,
    ready: recorder,
    uptime: new SqlUptimeSource(d.db),
    devices: facts,
    payoutAddresses: (owners) => facts.payoutAddresses(owners),
    txVerifier: chain,
    observer: recorder,
    firstEpochStartsAt: c?.firstEpochStartsAt ? Date.parse(c.firstEpochStartsAt) : null,
    log: d.log,
  });
  await service.start();
  await service.ensureEpochs();
  const sampler = new ClusterSampler();
  const sampleEvery = d.sampleEveryMs ?? Math.max(1000, Math.floor(((c?.observationGraceS ?? 120) * 1000) / 3));
  const sample = () => {
    const snapshot = sampler.snapshot(Date.now());
    // Without a connected region there is nothing to record.
    if (snapshot.nodes.length === 0) return;
    service.observeCluster(snapshot).catch((err) => d.log("rewards_sample_failed", { error: String((err as Error)?.message ?? err) }));
  };
  const sampling = setInterval(sample, sampleEvery);
  sampling.unref();
  let closer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  if (c?.autoClose !== false && c?.provider && chain) {
    // Each epoch is closed shortly after it ends (once the chain has a block past its end, which comes
    // within seconds), and again after a failure; at start, epochs that ended while the registry was down.
    const closeEvery = d.closeEveryMs ?? 5 * 60_000;
    const close = async () => {
      let delay = Math.min(closeEvery, CLOSE_RETRY_MS);
      try {
        await service.closeDueEpochs();
        const next = await service.nextEpochEnd();
        delay = next === null ? closeEvery : Math.max(1000, Math.min(closeEvery, next + CLOSE_AFTER_END_MS - Date.now()));
      } catch (err) {
        d.log("rewards_close_deferred", { error: String((err as Error)?.message ?? err), retryInMs: delay });
      }
      if (stopped) return;
      closer = setTimeout(close, delay);
      closer.unref();
    };
    closer = setTimeout(close, 0);
    closer.unref();
  }
  const routes = earningsRoutes({
    rewards: service,
    accounts: d.accounts,
    ownerOfDevice: async (id) => (await d.devices.device(id))?.owner ?? null,
  });
  return {
    service,
    routes,
    clusterReport: (node) => sampler.update(node),
    stop: () => {
      stopped = true;
      clearTimeout(closer);
      clearInterval(sampling);
    },
  };
}
