import type { BenchProgress, BenchResult } from "../../protocol/index.ts";
import { formatDuration, formatMiBAsGiB, formatNumber, formatPercent, formatWhen, ProblemAlert, selfPolling, type Problem } from "../kit/index.ts";
import { akashName } from "./hardware-summary.tsx";
import type { PageContext } from "./page-context.ts";
import { WizardPage } from "./wizard-page.tsx";

/** BenchState is the benchmark as the page shows it: running with progress, finished, or failed. */
export interface BenchState {
  running: boolean;
  quick: boolean;
  progress: BenchProgress | null;
  result: BenchResult | null;
  error: string | null;
}

export interface BenchPanelProps {
  bench: BenchState;
  problem: Problem | null;
}

/** BenchmarkPage runs the benchmark and shows its scores. */
export function BenchmarkPage(p: BenchPanelProps & { ctx: PageContext }): JSX.Element {
  return (
    <WizardPage
      ctx={p.ctx}
      step="benchmark"
      title="Benchmark"
      intro="A benchmark measures how fast this computer's processor, memory, disk and network are. The network uses the scores to send it work it can do well."
      refreshSeconds={p.bench.running ? 3 : null}
    >
      <BenchPanel {...p} />
    </WizardPage>
  );
}

/** BenchPanel is #bench-panel: progress while running (polling itself), the scores after. */
export function BenchPanel({ bench, problem }: BenchPanelProps): JSX.Element {
  if (bench.running) {
    const fraction = bench.progress?.fraction ?? 0;
    return (
      <section id="bench-panel" aria-busy="true" {...selfPolling("/benchmark/progress", 500)}>
        <div class="card">
          <h2>{bench.quick ? "Running the quick benchmark…" : "Running the full benchmark…"}</h2>
          <label for="bench-progress" class="progress-label">
            <span safe>{bench.progress?.message ?? "Starting"}</span>
            <span safe>{formatPercent(fraction)}</span>
          </label>
          <progress id="bench-progress" max="100" value={String(Math.round(fraction * 100))}></progress>
          <p class="muted small">You can leave this page; the benchmark keeps running and its result is kept.</p>
        </div>
      </section>
    );
  }
  return (
    <section id="bench-panel">
      {bench.error ? (
        <ProblemAlert
          title="The benchmark did not finish"
          problem={{ message: bench.error, fix: "run it again; if it keeps failing, run `sudo akash-home bench --quick` in a terminal to see the details" }}
        />
      ) : (
        ""
      )}
      {bench.result ? <BenchResults result={bench.result} /> : <NoResultYet />}
      {problem ? <ProblemAlert problem={problem} /> : ""}
      <div class="actions">
        <form method="post" action="/benchmark" class="inline-buttons">
          <button type="submit" name="mode" value="quick" class={bench.result ? "button" : "button primary"}>
            {bench.result ? "Run quick again" : "Run quick benchmark"}
          </button>
          <button type="submit" name="mode" value="full" class="button">
            {bench.result ? "Run full benchmark" : "Run full benchmark instead"}
          </button>
        </form>
        {bench.result ? (
          <form method="post" action="/benchmark/continue">
            <button type="submit" class="button primary">
              Continue to owner
            </button>
          </form>
        ) : (
          ""
        )}
      </div>
    </section>
  );
}

function NoResultYet(): JSX.Element {
  return (
    <div class="card">
      <h2>No benchmark yet</h2>
      <p>
        The <strong>quick</strong> run is enough to join and takes about 10 seconds. The <strong>full</strong> run takes up to a minute and
        gives steadier scores. Either can run again later. Your computer may feel busy while it runs.
      </p>
    </div>
  );
}

function Row({ label, value, unit }: { label: string; value: string; unit: string }): JSX.Element {
  return (
    <tr>
      <th scope="row" safe>
        {label}
      </th>
      <td class="num" safe>
        {value}
      </td>
      <td class="unit" safe>
        {unit}
      </td>
    </tr>
  );
}

/** BenchResults is the last result as tables with units. */
export function BenchResults({ result: r }: { result: BenchResult }): JSX.Element {
  return (
    <section class="card" aria-labelledby="bench-results-title">
      <div class="card-head">
        <h2 id="bench-results-title">Results</h2>
        <p class="muted small" safe>
          {`${r.quick ? "Quick" : "Full"} run on ${formatWhen(r.startedAt)}, took ${formatDuration(r.durationMs)}`}
        </p>
      </div>
      <div class="table-scroll">
        <table class="results">
          <caption class="visually-hidden">Benchmark results</caption>
          <thead>
            <tr>
              <th scope="col">Measure</th>
              <th scope="col" class="num">
                Result
              </th>
              <th scope="col">Unit</th>
            </tr>
          </thead>
          <tbody>
            <Row label="Processor, one core" value={formatNumber(r.cpu.singleCore)} unit="work units / s" />
            <Row label={`Processor, all ${r.cpu.threads} threads`} value={formatNumber(r.cpu.multiCore)} unit="work units / s" />
            <Row label="Memory bandwidth" value={formatNumber(r.memory.bandwidthMBps)} unit="MB/s" />
            <Row label="Disk, sequential write" value={formatNumber(r.disk.seqWriteMBps)} unit="MB/s" />
            <Row label="Disk, sequential read" value={formatNumber(r.disk.seqReadMBps)} unit="MB/s" />
            <Row label="Disk sync, median" value={formatNumber(r.disk.fsyncP50Ms, 2)} unit="ms" />
            <Row label="Disk sync, 99th percentile" value={formatNumber(r.disk.fsyncP99Ms, 2)} unit="ms" />
            <Row label="Download" value={r.network.downloadMBps === null ? "not measured" : formatNumber(r.network.downloadMBps, 1)} unit={r.network.downloadMBps === null ? "" : "MB/s"} />
            {r.network.regions.map((rtt) => (
              <Row label={`Round trip to ${rtt.regionId}`} value={rtt.rttMs === null ? (rtt.error ?? "no answer") : formatNumber(rtt.rttMs, 1)} unit={rtt.rttMs === null ? "" : "ms"} />
            ))}
          </tbody>
        </table>
      </div>
      {r.network.error ? (
        <p class="muted small" safe>
          {`Network: ${r.network.error}. The network part runs again once a registry is set.`}
        </p>
      ) : (
        ""
      )}
      {r.gpus.length ? <GpuBenchTable result={r} /> : ""}
    </section>
  );
}

function GpuBenchTable({ result }: { result: BenchResult }): JSX.Element {
  const mhz = (n: number | null) => (n === null ? "—" : `${formatNumber(n)} MHz`);
  return (
    <>
      <h3>Graphics cards</h3>
      <div class="table-scroll">
        <table class="stack-on-phone">
          <thead>
            <tr>
              <th scope="col">Card</th>
              <th scope="col">Akash model</th>
              <th scope="col" class="num">
                Memory
              </th>
              <th scope="col" class="num">
                Max graphics clock
              </th>
              <th scope="col" class="num">
                Max memory clock
              </th>
              <th scope="col" class="num">
                Power limit
              </th>
            </tr>
          </thead>
          <tbody>
            {result.gpus.map((g) => (
              <tr>
                <td data-label="Card" safe>
                  {g.name}
                </td>
                <td data-label="Akash model">{g.akashModel ? <code safe>{akashName({ akashModel: g.akashModel, akashMemory: null, akashInterface: null })}</code> : <span class="muted">not recognised</span>}</td>
                <td data-label="Memory" class="num" safe>
                  {formatMiBAsGiB(g.vramMiB)}
                </td>
                <td data-label="Max graphics clock" class="num" safe>
                  {mhz(g.maxGraphicsClockMHz)}
                </td>
                <td data-label="Max memory clock" class="num" safe>
                  {mhz(g.maxMemoryClockMHz)}
                </td>
                <td data-label="Power limit" class="num" safe>
                  {g.powerLimitW === null ? "—" : `${formatNumber(g.powerLimitW)} W`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
