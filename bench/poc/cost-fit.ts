// cost-fit: turns Headscale's measured CPU per join into a region size. Two least-squares models of the cost
// of the N-th join — linear (a + b·N: each join updates the control and ingress nodes, whose netmaps list
// every device) and square (a + c·N²: each join also updates every device, whose netmap lists every other)
// — and the better of them summed over a whole region: what a full reconnect (every device coming back
// after a Headscale restart) costs at least, joins being dearer than reconnects.
export interface CostModel {
  kind: "linear" | "square";
  a: number;
  /** b for linear, c for square */
  k: number;
  /** rmsMs: root-mean-square error of the model over the measurements */
  rmsMs: number;
}

const costAt = (m: CostModel, n: number) => m.a + m.k * (m.kind === "linear" ? n : n * n);

function fit(points: readonly [number, number][], kind: CostModel["kind"]): CostModel {
  const xs = points.map(([n]) => (kind === "linear" ? n : n * n));
  const ys = points.map(([, y]) => y);
  const mx = xs.reduce((s, x) => s + x, 0) / xs.length;
  const my = ys.reduce((s, y) => s + y, 0) / ys.length;
  const sxx = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  const k = sxx === 0 ? 0 : xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0) / sxx;
  const model: CostModel = { kind, a: my - k * mx, k, rmsMs: 0 };
  model.rmsMs = Math.sqrt(points.reduce((s, [n, y]) => s + (costAt(model, n) - y) ** 2, 0) / points.length);
  return model;
}

/** bestCostModel fits both models to (devices, CPU ms of that join) and keeps the closer one. */
export function bestCostModel(points: readonly [number, number][]): CostModel {
  const clean = points.filter(([, y]) => Number.isFinite(y));
  const [linear, square] = [fit(clean, "linear"), fit(clean, "square")];
  return linear.rmsMs <= square.rmsMs ? linear : square;
}

/** reconnectSeconds is the model's Headscale CPU for all of 1..n devices joining, in seconds of one core. */
export function reconnectSeconds(model: CostModel, n: number): number {
  let ms = 0;
  for (let k = 1; k <= n; k++) ms += Math.max(0, costAt(model, k));
  return ms / 1000;
}

/** capacityWithin is the largest region whose full reconnect fits in budgetSeconds of one Headscale core. */
export function capacityWithin(model: CostModel, budgetSeconds: number, limit = 100_000): number {
  let n = 0;
  while (n < limit && reconnectSeconds(model, n + 1) <= budgetSeconds) n++;
  return n;
}
