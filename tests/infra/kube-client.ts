// kube-client: @kubernetes/client-node API objects that work under Bun. The library's own transport passes the
// kubeconfig's CA and client cert to fetch through an undici dispatcher, which Bun's built-in undici ignores —
// so a cluster with its own CA fails with "unable to verify the first certificate" and client certs are never
// sent. This transport hands the same TLS material to Bun's fetch (its `tls` option) instead; headers (e.g.
// bearer tokens) still come from the kubeconfig as usual.
import type https from "node:https";
import {
  createConfiguration,
  KubeConfig,
  ResponseContext,
  ServerConfiguration,
  wrapHttpLibrary,
  type Configuration,
  type RequestContext,
} from "@kubernetes/client-node";

type Api<T> = new (configuration: Configuration) => T;

interface BunTls {
  ca?: string | Buffer | (string | Buffer)[];
  cert?: string | Buffer | (string | Buffer)[];
  key?: string | Buffer | (string | Buffer)[];
  rejectUnauthorized?: boolean;
}

/** kubeApi builds an API object (CoreV1Api, AppsV1Api, …) for the kubeconfig's current context. */
export function kubeApi<T>(kc: KubeConfig, api: Api<T>): T {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error("the kubeconfig has no current cluster");
  let tls: Promise<BunTls> | undefined;
  const tlsOptions = () =>
    (tls ??= (async () => {
      const options: https.RequestOptions = {};
      await kc.applyToHTTPSOptions(options);
      return {
        ca: options.ca as BunTls["ca"],
        cert: options.cert as BunTls["cert"],
        key: options.key as BunTls["key"],
        ...(options.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: options.rejectUnauthorized }),
      };
    })());
  const httpApi = wrapHttpLibrary({
    async send(request: RequestContext): Promise<ResponseContext> {
      const response = await fetch(request.getUrl(), {
        method: request.getHttpMethod(),
        headers: request.getHeaders(),
        body: request.getBody() as BodyInit | undefined,
        signal: request.getSignal() ?? null,
        tls: await tlsOptions(),
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
  return new api(createConfiguration({ baseServer: new ServerConfiguration(cluster.server, {}), authMethods: { default: kc }, httpApi }));
}
