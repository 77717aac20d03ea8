import type { BenchProgress, BenchResult } from "../../protocol/index.ts";

/** BenchRunner runs one benchmark, reporting progress; the daemon runs it in a child process. */
export type BenchRunner = (quick: boolean, onProgress: (p: BenchProgress) => void) => Promise<BenchResult>;

/** BenchView is what the page shows about the benchmark: running with progress, finished, or failed. */
export interface BenchView {
  running: boolean;
  quick: boolean;
  progress: BenchProgress | null;
  result: BenchResult | null;
  error: string | null;
}

/** BenchSession allows one benchmark at a time and remembers the last progress and result. */
export class BenchSession {
  private view: BenchView;
  private current: Promise<BenchResult> | null = null;

  constructor(
    private readonly runner: BenchRunner,
    last: BenchResult | null,
    private readonly onResult: (r: BenchResult) => void,
  ) {
    this.view = { running: false, quick: last?.quick ?? false, progress: null, result: last, error: null };
  }

  state(): BenchView {
    return { ...this.view };
  }

  /** start begins a run unless one is going; either way it returns the run's promise. */
  start(quick: boolean): Promise<BenchResult> {
    if (this.current) return this.current;
    this.view = { running: true, quick, progress: null, result: this.view.result, error: null };
    const run = this.runner(quick, (p) => {
      this.view.progress = p;
    });
    this.current = run
      .then((result) => {
        this.view = { running: false, quick, progress: this.view.progress, result, error: null };
        this.onResult(result);
        return result;
      })
      .catch((err: unknown) => {
        this.view = { running: false, quick, progress: this.view.progress, result: this.view.result, error: (err as Error)?.message ?? String(err) };
        throw err;
      })
      .finally(() => {
        this.current = null;
      });
    // A failure is shown on the page; callers that await get it too, nobody is left with an unhandled one.
    this.current.catch(() => {});
    return this.current;
  }
}
