import type { RequestOptions } from "node:https";
import {
  createConfiguration,
  KubeConfig,
  ListWatch,
  ResponseContext,
  ServerConfiguration,
  wrapHttpLibrary,
  type KubernetesListObject,
  type KubernetesObject,
  type RequestContext,
} from "@kubernetes/client-node";

// How this process talks to an API server. @kubernetes/client-node sends through undici with a TLS
// "dispatcher" holding the cluster's CA and client certificate; under Bun the `undici` import is Bun's own
// fetch, which ignores dispatchers, so every call to a cluster with its own CA fails certificate checks.
// This file gives the generated API clients and the list-watch cache a transport on Bun's fetch, passing
// the same CA, client certificate and credentials (from the kubeconfig) as fetch's `tls` option.

interface TlsSettings {
  ca?: string | Buffer | (string | Buffer)[];
  cert?: string | Buffer | (string | Buffer)[];
  key?: string | Buffer | (string | Buffer)[];
  rejectUnauthorized?: boolean;
}

interface Credentials {
  headers: Record<string, string>;
  tls: TlsSettings;
}

/** credentialsOf reads what a request to the current cluster carries (asked per call: tokens can rotate). */
async function credentialsOf(kc: KubeConfig): Promise<Credentials> {
  const opts: RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.headers ?? {})) if (v !== undefined) headers[k] = String(v);
  if (typeof opts.auth === "string" && opts.auth !== "") headers.Authorization = `Basic ${Buffer.from(opts.auth).toString("base64")}`;
  const tls: TlsSettings = {};
  if (opts.ca) tls.ca = opts.ca as TlsSettings["ca"];
  if (opts.cert) tls.cert = opts.cert as TlsSettings["cert"];
  if (opts.key) tls.key = opts.key as TlsSettings["key"];
  if (opts.rejectUnauthorized === false) tls.rejectUnauthorized = false;
  return { headers, tls };
}

/** kubeFetch is fetch against the kubeconfig's current cluster: path is appended to its server URL. */
export async function kubeFetch(kc: KubeConfig, path: string, init: RequestInit = {}): Promise<Response> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error("the kubeconfig names no current cluster");
  const { headers, tls } = await credentialsOf(kc);
  return fetch(cluster.server.replace(/\/+$/, "") + path, { ...init, headers: { ...headers, ...(init.headers as Record<string, string> | undefined) }, tls } as RequestInit);
}

/** makeApi builds a generated API client (CoreV1Api, PolicyV1Api…) that sends through Bun's fetch. */
export function makeApi<T>(kc: KubeConfig, apiClass: new (config: ReturnType<typeof createConfiguration>) => T): T {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error("the kubeconfig names no current cluster");
  const httpApi = wrapHttpLibrary({
    async send(request: RequestContext): Promise<ResponseContext> {
      // request already carries the credentials' headers (authMethods below); TLS comes from the kubeconfig.
      const { tls } = await credentialsOf(kc);
      const response = await fetch(request.getUrl(), {
        method: request.getHttpMethod(),
        headers: request.getHeaders(),
        body: request.getBody() as BodyInit | undefined,
        signal: request.getSignal(),
        tls,
      } as RequestInit);
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name] = value;
      });
      return new ResponseContext(response.status, headers, {
        text: () => response.text(),
        binary: async () => Buffer.from(await response.arrayBuffer()),
        stream: () => response.body,
      });
    },
  });
  return new apiClass(createConfiguration({ baseServer: new ServerConfiguration(cluster.server, {}), authMethods: { default: kc }, httpApi }));
}

type WatchCallback = (phase: string, apiObj: any, watchObj?: any) => void;
type DoneCallback = (err: any) => void;

/**
 * BunWatch streams a watch (one JSON event per line) the way client-node's Watch does, for ListWatch.
 * It asks for bookmarks, so a quiet resource still moves its resourceVersion forward and a reconnect rarely
 * hits 410 Gone; the server ends each watch after a few minutes and a silent connection is dropped after
 * inactivityMs, and ListWatch reconnects from the last resourceVersion either way.
 */
export class BunWatch {
  constructor(
    private readonly kc: KubeConfig,
    private readonly inactivityMs = 90_000,
    private readonly serverTimeoutS = 240,
  ) {}

  async watch(path: string, queryParams: Record<string, string | number | boolean | undefined>, callback: WatchCallback, done: DoneCallback): Promise<AbortController> {
    const controller = new AbortController();
    let finished = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (err: unknown) => {
      if (finished) return;
      finished = true;
      if (timer) clearTimeout(timer);
      controller.abort();
      done(err ?? null);
    };
    const arm = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => finish(new DOMException("the watch went silent", "TimeoutError")), this.inactivityMs);
      timer.unref?.();
    };
    const params = new URLSearchParams({ watch: "true", allowWatchBookmarks: "true", timeoutSeconds: String(this.serverTimeoutS) });
    for (const [k, v] of Object.entries(queryParams)) if (v !== undefined && v !== "") params.set(k, String(v));
    arm();
    (async () => {
      const response = await kubeFetch(this.kc, `${path}?${params}`, { signal: controller.signal });
      if (response.status !== 200) {
        const err = new Error(`watch ${path}: ${response.status} ${response.statusText}`) as Error & { statusCode: number };
        err.statusCode = response.status;
        await response.body?.cancel().catch(() => {});
        throw err;
      }
      arm();
      const decoder = new TextDecoder();
      let buffered = "";
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        arm();
        buffered += decoder.decode(chunk, { stream: true });
        let newline: number;
        while ((newline = buffered.indexOf("\n")) >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (line === "") continue;
          let event: { type: string; object: unknown };
          try {
            event = JSON.parse(line);
          } catch {
            continue;
          }
          callback(event.type, event.object, event);
        }
      }
    })().then(
      () => finish(null),
      (err) => finish(finished || controller.signal.aborted ? null : err),
    );
    return controller;
  }
}

/** listWatch is client-node's informer (makeInformer's ListWatch) on the BunWatch transport. */
export function listWatch<T extends KubernetesObject>(
  kc: KubeConfig,
  path: string,
  list: () => Promise<KubernetesListObject<T>>,
  selectors: { label?: string; field?: string } = {},
): ListWatch<T> {
  return new ListWatch<T>(path, new BunWatch(kc) as never, list, false, selectors.label, selectors.field);
}

/** loadKubeConfig reads a kubeconfig file (the region's `kubeconfig`) and checks it names a cluster. */
export function loadKubeConfig(path: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`cannot read the kubeconfig ${path} (${code ?? (err as Error).message.split("\n")[0]}): point the region's kubeconfig at the file \`akash-home registry region manifest\` explains how to make`);
  }
  if (!kc.getCurrentCluster()) throw new Error(`the kubeconfig ${path} has no current context with a cluster: set current-context`);
  return kc;
}

