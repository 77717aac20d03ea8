// ingress-proxy: the POC's ingress controller, run inside an ingress namespace. It does what an ingress
// controller does for one Service: keeps the Service's EndpointSlices from the API server (list, then
// watch from that resourceVersion, relisting when the watch breaks), and forwards each HTTP request it
// receives on the ingress's public address to one ready endpoint (round robin) — over the tailnet, since
// pod IPs are routes the home devices advertise. It counts what it forwarded, per endpoint, for the report.
//   bun ingress-proxy.ts --name ingress-0 --kubeconfig <file> --service default/api --listen <ip>:<port>
import type https from "node:https";
import { DiscoveryV1Api, KubeConfig, type V1EndpointSlice } from "@kubernetes/client-node";
import { makeApi as kubeApi } from "../../registry/clusters/kube-transport.ts";

const args = process.argv.slice(2);
const arg = (name: string): string => {
  const i = args.indexOf(`--${name}`);
  const value = i >= 0 ? args[i + 1] : undefined;
  if (!value) {
    console.error(`ingress-proxy: --${name} is required`);
    process.exit(2);
  }
  return value;
};
const name = arg("name");
const [namespace, service] = arg("service").split("/") as [string, string];
const listen = arg("listen");
const listenHost = listen.slice(0, listen.lastIndexOf(":"));
const listenPort = Number(listen.slice(listen.lastIndexOf(":") + 1));

const kc = new KubeConfig();
kc.loadFromFile(arg("kubeconfig"));
const discovery = kubeApi(kc, DiscoveryV1Api);
const server = kc.getCurrentCluster()!.server;
const httpsOptions: https.RequestOptions = {};
await kc.applyToHTTPSOptions(httpsOptions);
const tls = { ca: httpsOptions.ca, cert: httpsOptions.cert, key: httpsOptions.key } as Record<string, unknown>;

interface Backend {
  address: string;
  port: number;
  pod: string;
  node: string;
}

const slices = new Map<string, Backend[]>();
let backends: Backend[] = [];
let next = 0;
const selector = `kubernetes.io/service-name=${service}`;

function backendsOf(slice: V1EndpointSlice): Backend[] {
  const port = slice.ports?.[0]?.port;
  if (!port) return [];
  return (slice.endpoints ?? [])
    .filter((e) => e.conditions?.ready !== false)
    .flatMap((e) => e.addresses.map((address) => ({ address, port, pod: e.targetRef?.name ?? "", node: e.nodeName ?? "" })));
}

function rebuild(): void {
  backends = [...slices.values()].flat();
}

async function listAndWatch(): Promise<never> {
  for (;;) {
    try {
      const list = await discovery.listNamespacedEndpointSlice({ namespace, labelSelector: selector });
      slices.clear();
      for (const s of list.items) slices.set(s.metadata!.name!, backendsOf(s));
      rebuild();
      let resourceVersion = list.metadata?.resourceVersion ?? "";
      // Watch until the server ends it (its timeout) or the history is gone (410): then relist.
      for (let gone = false; !gone; ) {
        const url = `${server}/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices?watch=1&allowWatchBookmarks=true&labelSelector=${encodeURIComponent(selector)}&resourceVersion=${resourceVersion}`;
        const res = await fetch(url, { tls } as RequestInit);
        if (!res.ok || !res.body) break;
        let buffered = "";
        const decoder = new TextDecoder();
        const reader = res.body.getReader();
        for (;;) {
          const { value: chunk, done } = await reader.read();
          if (done) break;
          buffered += decoder.decode(chunk, { stream: true });
          let newline: number;
          while ((newline = buffered.indexOf("\n")) >= 0) {
            const line = buffered.slice(0, newline);
            buffered = buffered.slice(newline + 1);
            if (!line.trim()) continue;
            const event = JSON.parse(line) as { type: string; object: V1EndpointSlice & { code?: number } };
            if (event.type === "ERROR") {
              gone = true;
              break;
            }
            resourceVersion = event.object.metadata?.resourceVersion ?? resourceVersion;
            if (event.type === "BOOKMARK") continue;
            const key = event.object.metadata!.name!;
            if (event.type === "DELETED") slices.delete(key);
            else slices.set(key, backendsOf(event.object));
            rebuild();
          }
          if (gone) {
            await reader.cancel();
            break;
          }
        }
      }
    } catch (err) {
      console.error(`${name}: endpoint watch failed, relisting: ${err instanceof Error ? err.message : String(err)}`);
    }
    await Bun.sleep(1_000);
  }
}
void listAndWatch();

let requests = 0;
let failed = 0;
let retried = 0;
const perBackend = new Map<string, number>();

async function forward(req: Request, path: string): Promise<Response> {
  const body = req.method === "GET" || req.method === "HEAD" ? undefined : await req.arrayBuffer();
  // One retry on another endpoint when a connection fails, as ingress-nginx's proxy_next_upstream does.
  for (let attempt = 0; attempt < 2 && backends.length > 0; attempt++) {
    const b = backends[next++ % backends.length]!;
    try {
      const upstream = await fetch(`http://${b.address}:${b.port}${path}`, {
        method: req.method,
        headers: req.headers,
        body,
        signal: AbortSignal.timeout(10_000),
      });
      const key = `${b.node}/${b.pod}/${b.address}`;
      perBackend.set(key, (perBackend.get(key) ?? 0) + 1);
      const headers = new Headers(upstream.headers);
      headers.set("x-poc-ingress", name);
      headers.set("x-poc-backend", `${b.address}:${b.port}`);
      headers.set("x-poc-pod", b.pod);
      return new Response(upstream.body, { status: upstream.status, headers });
    } catch {
      retried++;
    }
  }
  failed++;
  return new Response(backends.length === 0 ? "no ready endpoints\n" : "every endpoint tried failed\n", { status: 502, headers: { "x-poc-ingress": name } });
}

Bun.serve({
  hostname: listenHost,
  port: listenPort,
  idleTimeout: 30,
  async fetch(req) {
    const url = new URL(req.url);
    if (url.pathname === "/__poc/stats") {
      return Response.json({ name, requests, failed, retried, endpoints: backends.length, perBackend: Object.fromEntries(perBackend) });
    }
    if (url.pathname === "/__poc/endpoints") return Response.json(backends);
    requests++;
    return forward(req, url.pathname + url.search);
  },
});
console.log(`${name} proxying ${namespace}/${service} on ${listen}`);
