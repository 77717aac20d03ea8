// registry/config: the registry's YAML config (regions, placement limits, waitlist thresholds, admins),
// read and validated once at start-up so a typo stops the registry with the field and the reason instead
// of surfacing weeks later. Imports no domain service, no HTTP, no store.
import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, resolve } from "node:path";
import * as v from "valibot";
import { LineCounter, parseDocument } from "yaml";
import { akashAddressField } from "./akash-address-field.ts";
import { isCountryCode } from "../regions/geo.ts";
import { RewardsSection } from "./rewards-config.ts";

/** REGISTRY_URL_PLACEHOLDER in a probeUrl is replaced by the URL agents reach this registry at. */
export const REGISTRY_URL_PLACEHOLDER = "${REGISTRY_URL}";

export const DEFAULT_MAX_RTT_MS = 150;
export const DEFAULT_MAX_DISTANCE_KM = 3000;
export const DEFAULT_WAITLIST_THRESHOLD = 25;
/**
 * DEFAULT_REGION_CAPACITY is how many devices placement puts in a region that sets no capacity, from the
 * Headscale scaling run (bench/README.md, "POC scenarios"). Under the default pod network (VXLAN over the
 * tailnet) a device's netmap holds only the control and ingress nodes, and Headscale's CPU per join grows
 * linearly (≈ 0.28 s + 4.4 ms × N): a full reconnect of 250 devices costs about 3.5 minutes of one core.
 * A region that routes pods between devices (tailscale-routes) puts every device in every netmap and the
 * cost grows with N² (≈ 0.5 ms × N²): such a region should set capacity 100 or less.
 */
export const DEFAULT_REGION_CAPACITY = 250;

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const LOCATION_REGION = /^[a-z]{2}(?:-[a-z0-9]+)*$/;

const text = (max: number) =>
  v.pipe(v.string("must be text"), v.trim(), v.minLength(1, "must not be empty"), v.maxLength(max, `must be at most ${max} characters`));

const wholeNumber = (min: number, max: number, unit = "") => {
  const message = `must be a whole number${unit} ${max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `between ${min} and ${max}`}`;
  return v.pipe(v.number(message), v.integer(message), v.minValue(min, message), v.maxValue(max, message));
};

const number = (min: number, max: number, what: string) => {
  const message = `must be ${what} between ${min} and ${max}`;
  return v.pipe(v.number(message), v.finite(message), v.minValue(min, message), v.maxValue(max, message));
};

const flag = v.boolean("must be true or false");

const httpUrl = v.pipe(
  v.string("must be a URL"),
  v.trim(),
  v.check((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "";
    } catch {
      return false;
    }
  }, "must be an http:// or https:// URL"),
);

const filePath = v.pipe(v.string("must be a file path"), v.trim(), v.minLength(1, "must be a file path"), v.maxLength(4096, "must be at most 4096 characters"));

const countryCode = v.pipe(
  v.string("must be an ISO 3166-1 alpha-2 country code such as US"),
  v.trim(),
  v.toUpperCase(),
  v.check(isCountryCode, (issue) => `${issue.input} is not an ISO 3166-1 alpha-2 country code${issue.input === "UK" ? " (the United Kingdom is GB)" : ""}`),
);


const Requirements = v.strictObject({
  minCpuCores: v.optional(wholeNumber(1, 4096, " of cores")),
  minMemoryGiB: v.optional(number(0, 65536, "a number of GiB")),
  gpuRequired: v.optional(flag, false),
});

const Headscale = v.strictObject({ url: httpUrl, apiKeyFile: filePath });

const TAINT = /^[A-Za-z0-9][-A-Za-z0-9_./]{0,252}(=[-A-Za-z0-9_.]{0,63})?:(NoSchedule|PreferNoSchedule|NoExecute)$/;

/** Join says how devices join the region's cluster; a region without it keeps devices placed but out of the cluster. */
const Join = v.strictObject({
  /** The k3s server URL devices join, on the tailnet (e.g. https://100.64.0.1:6443). */
  server: httpUrl,
  /** Taints every device Node registers with, as `k3s agent --node-taint` takes them. */
  taints: v.optional(v.array(v.pipe(v.string("must be text"), v.regex(TAINT, "must be key[=value]:NoSchedule|PreferNoSchedule|NoExecute")), "must be a list of taints"), () => []),
  /** The interface the cluster network runs over on devices: the tailnet's. */
  flannelIface: v.optional(v.pipe(v.string("must be text"), v.regex(/^[a-zA-Z0-9_.-]{1,15}$/, "must be an interface name of at most 15 characters")), "tailscale0"),
});

function regionSchema(registryUrl: string | undefined) {
  const probeUrl = v.pipe(
    v.string("must be a URL"),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      if (!dataset.value.includes(REGISTRY_URL_PLACEHOLDER)) return dataset.value;
      if (registryUrl === undefined) {
        addIssue({ message: `uses ${REGISTRY_URL_PLACEHOLDER}, but the registry was not told its own URL; write the URL out` });
        return NEVER;
      }
      return dataset.value.replaceAll(REGISTRY_URL_PLACEHOLDER, registryUrl.replace(/\/+$/, ""));
    }),
    httpUrl,
  );
  return v.strictObject({
    id: v.pipe(
      v.string("must be text"),
      v.regex(DNS_LABEL, "must be lowercase letters, digits and dashes, at most 63 characters, not starting or ending with a dash (a DNS label)"),
      v.check((id) => id !== "auto", '"auto" is reserved: it means "the nearest region"'),
    ),
    name: text(80),
    locationRegion: v.pipe(v.string("must be text"), v.regex(LOCATION_REGION, "must be an Akash location-region code such as na-us-west or eu-central")),
    countries: v.optional(v.array(countryCode, "must be a list of country codes, e.g. [US, CA]"), () => []),
    latitude: number(-90, 90, "degrees"),
    longitude: number(-180, 180, "degrees"),
    probeUrl,
    kubeconfig: v.optional(filePath),
    headscale: v.optional(Headscale),
    join: v.optional(Join),
    capacity: v.optional(wholeNumber(1, Number.MAX_SAFE_INTEGER), DEFAULT_REGION_CAPACITY),
    admission: v.optional(v.picklist(["open", "approval"], "must be open or approval"), "open"),
    status: v.optional(v.picklist(["active", "planned"], "must be active or planned"), "active"),
    firstUserBootstraps: v.optional(flag, false),
    requirements: v.optional(Requirements),
    /** The Akash provider address whose cluster this region is: the deploy console asks about it. */
    providerAddress: v.optional(akashAddressField),
  });
}

// Defaults that are objects or lists are made fresh per parse, so no two configs share them.
function configSchema(registryUrl: string | undefined) {
  return v.strictObject({
    placement: v.optional(
      v.strictObject({
        maxRttMs: v.optional(wholeNumber(1, 10_000, " of milliseconds"), DEFAULT_MAX_RTT_MS),
        maxDistanceKm: v.optional(wholeNumber(1, 20_100, " of kilometres"), DEFAULT_MAX_DISTANCE_KM),
      }),
      () => ({ maxRttMs: DEFAULT_MAX_RTT_MS, maxDistanceKm: DEFAULT_MAX_DISTANCE_KM }),
    ),
    waitlist: v.optional(
      v.strictObject({
        defaultThreshold: v.optional(wholeNumber(1, Number.MAX_SAFE_INTEGER), DEFAULT_WAITLIST_THRESHOLD),
        areas: v.optional(v.record(v.string(), wholeNumber(1, Number.MAX_SAFE_INTEGER), "must be a mapping of area to threshold, e.g. { US: 50 }"), () => ({})),
      }),
      () => ({ defaultThreshold: DEFAULT_WAITLIST_THRESHOLD, areas: {} }),
    ),
    admins: v.optional(v.array(akashAddressField, "must be a list of Akash addresses"), () => []),
    regions: v.pipe(v.array(regionSchema(registryUrl), "must be a list of regions"), v.minLength(1, "must list at least one region")),
    rewards: v.optional(RewardsSection),
  });
}

type Parsed = v.InferOutput<ReturnType<typeof configSchema>>;
/** RegionConfig is one region as configured, defaults filled in. */
export type RegionConfig = Parsed["regions"][number];
export type RegionRequirements = NonNullable<RegionConfig["requirements"]>;
/** RegistryConfig is the whole validated config. */
export type RegistryConfig = Parsed;

/** RegistryConfigError lists every problem found, one "path: reason" line each. */
export class RegistryConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source} is not a valid registry config:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "RegistryConfigError";
  }
}

export interface ParseOptions {
  /** The URL agents reach this registry at; replaces ${REGISTRY_URL} in probe URLs. */
  registryUrl?: string;
  /** Relative kubeconfig and API-key paths are taken from here (loadRegistryConfig: the config's folder). */
  baseDir?: string;
}

/**
 * parseRegistryConfig reads YAML text into a RegistryConfig or throws a RegistryConfigError naming each
 * bad field (e.g. `regions[1].capacity: must be a whole number of at least 1`). sourceName labels errors.
 */
export function parseRegistryConfig(text: string, sourceName: string, options: ParseOptions = {}): RegistryConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter: lines });
  if (doc.errors.length > 0) {
    throw new RegistryConfigError(
      sourceName,
      doc.errors.map((e) => {
        const at = lines.linePos(e.pos[0]);
        return `line ${at.line}, column ${at.col}: ${e.message.split("\n")[0]}`;
      }),
    );
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 100 });
  if (raw === null || raw === undefined) throw new RegistryConfigError(sourceName, ["the file is empty: it needs at least a regions: list"]);
  const schema = configSchema(options.registryUrl);
  const result = v.safeParse(schema, raw);
  if (!result.success) throw new RegistryConfigError(sourceName, result.issues.map((issue) => describeIssue(issue, schema)));
  const config = result.output;
  const problems = crossCheck(config);
  if (problems.length > 0) throw new RegistryConfigError(sourceName, problems);
  if (options.baseDir !== undefined) resolvePaths(config, options.baseDir);
  return config;
}

/** loadRegistryConfig reads and validates the config file at path; relative file paths in it are taken from its folder. */
export async function loadRegistryConfig(path: string, options: Omit<ParseOptions, "baseDir"> = {}): Promise<RegistryConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new RegistryConfigError(path, [code === "ENOENT" ? "the file does not exist; pass --config with the path of the registry's regions file" : `cannot read it (${code ?? String(err)})`]);
  }
  return parseRegistryConfig(text, path, { ...options, baseDir: dirname(resolve(path)) });
}

/** crossCheck finds what one field alone cannot show: duplicates and combinations. */
function crossCheck(config: RegistryConfig): string[] {
  const problems: string[] = [];
  const firstIndex = new Map<string, number>();
  config.regions.forEach((region, i) => {
    const at = `regions[${i}]`;
    const earlier = firstIndex.get(region.id);
    if (earlier === undefined) firstIndex.set(region.id, i);
    else problems.push(`${at}.id: "${region.id}" is used twice (also regions[${earlier}].id); region ids must be unique`);
    if (region.status === "active") {
      if (region.kubeconfig === undefined) problems.push(`${at}.kubeconfig: an active region needs the path of its cluster's kubeconfig (or set status: planned)`);
      if (region.headscale === undefined) problems.push(`${at}.headscale: an active region needs its Headscale url and apiKeyFile (or set status: planned)`);
    }
    if (region.firstUserBootstraps && region.status !== "planned") {
      problems.push(`${at}.firstUserBootstraps: only a planned region can offer its first user the operator role`);
    }
    const seen = new Set<string>();
    region.countries.forEach((c, j) => {
      if (seen.has(c)) problems.push(`${at}.countries[${j}]: ${c} is listed twice`);
      seen.add(c);
    });
  });
  for (const area of Object.keys(config.waitlist.areas)) {
    const near = /^near-(.+)$/.exec(area);
    const known = area === "unknown" || isCountryCode(area) || (near !== null && firstIndex.has(near[1]!));
    if (!known) {
      problems.push(
        `waitlist.areas.${area}: not an area; areas are ISO country codes in upper case (US), near-<region id> of a configured region, or unknown`,
      );
    }
  }
  return problems;
}

function resolvePaths(config: RegistryConfig, baseDir: string): void {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  for (const region of config.regions) {
    if (region.kubeconfig !== undefined) region.kubeconfig = abs(region.kubeconfig);
    if (region.headscale) region.headscale.apiKeyFile = abs(region.headscale.apiKeyFile);
  }
}

type AnyIssue = v.BaseIssue<unknown>;

/** describeIssue turns a valibot issue into "path: reason" in the words of the config file. */
function describeIssue(issue: AnyIssue, root: v.GenericSchema): string {
  const keys = (issue.path ?? []).map((p) => p.key as string | number);
  const path = keys.reduce<string>((acc, k) => (typeof k === "number" ? `${acc}[${k}]` : acc === "" ? String(k) : `${acc}.${String(k)}`), "");
  const at = path === "" ? "the config" : path;
  if (issue.type === "strict_object" && issue.expected === "never") {
    const known = knownKeys(root, keys.slice(0, -1));
    const typo = String(keys[keys.length - 1]);
    const lower = typo.toLowerCase();
    const guess = known.find((k) => editDistance(k.toLowerCase(), lower) <= 2) ?? known.find((k) => lower.length >= 3 && k.toLowerCase().startsWith(lower));
    return `${at}: unknown key${guess ? `; did you mean ${guess}?` : known.length ? `; this section takes ${known.join(", ")}` : ""}`;
  }
  if (issue.received === "undefined" && issue.kind === "schema" && issue.type !== "picklist") return `${at}: is required`;
  if (issue.type === "strict_object" || issue.type === "object") return `${at}: must be a mapping of keys to values`;
  return `${at}: ${issue.message}`;
}

/** knownKeys walks the schema down keys to the object there and lists its fields, for typo hints. */
function knownKeys(schema: unknown, keys: readonly (string | number)[]): string[] {
  let node = schema as Record<string, unknown> | undefined;
  const unwrap = () => {
    while (node && "wrapped" in node) node = node.wrapped as Record<string, unknown>;
  };
  unwrap();
  for (const key of keys) {
    if (!node) return [];
    if (typeof key === "number") node = node.item as Record<string, unknown> | undefined;
    else if (node.entries) node = (node.entries as Record<string, Record<string, unknown>>)[key];
    else node = node.value as Record<string, unknown> | undefined;
    unwrap();
  }
  return node?.entries ? Object.keys(node.entries as object) : [];
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length]!;
}
