// The k3s agent stand-in. The real k3s binary cannot be fetched offline, so tests run this in its place,
// with the same command line the agent gives k3s. It does, against the real API server, what a kubelet
// joining with a bootstrap token does:
//   1. pins the cluster CA by the hash in the k3s-form token (K10<sha256 of the CA bundle>::<id>.<secret>);
//      real k3s reads the bundle from its supervisor's /cacerts, the stand-in from kube-public/cluster-info;
//   2. authenticates with the bootstrap token (so a wrong, expired or revoked token fails for real, 401);
//   3. TLS bootstrap: submits a CSR for system:node:<name>, which kube-controller-manager approves and signs;
//   4. registers its Node with the client certificate (so NodeRestriction applies), with the requested name,
//      labels, taints and the tailnet IP as InternalIP; KWOK then keeps it Ready (the annotation below);
//   5. keeps running like a kubelet until SIGTERM. A restart reuses the certificate, not the token.
// It runs no containers: pods bound to the node are made Running by KWOK.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

interface Args {
  server: string;
  tokenFile: string;
  nodeName: string;
  nodeIp: string;
  dataDir: string;
  labels: Record<string, string>;
  taints: { key: string; value?: string; effect: string }[];
}

function die(message: string): never {
  process.stderr.write(`level=fatal msg="${message}"\n`);
  process.exit(1);
}

function parseArgs(argv: string[]): Args {
  if (argv[0] !== "agent") die(`k3s stand-in: only "agent" is supported, got ${JSON.stringify(argv[0])}`);
  const single: Record<string, string> = {};
  const labels: Record<string, string> = {};
  const taints: Args["taints"] = [];
  for (const arg of argv.slice(1)) {
    const m = /^--([a-z-]+)=(.*)$/s.exec(arg);
    if (!m) die(`k3s stand-in: flags must be --name=value, got ${JSON.stringify(arg)}`);
    const [, name, value] = m as unknown as [string, string, string];
    if (name === "node-label") {
      const at = value.indexOf("=");
      if (at < 1) die(`invalid node label ${JSON.stringify(value)}`);
      labels[value.slice(0, at)] = value.slice(at + 1);
    } else if (name === "node-taint") {
      const t = /^([^=:]+)(?:=([^:]*))?:(NoSchedule|PreferNoSchedule|NoExecute)$/.exec(value);
      if (!t) die(`invalid node taint ${JSON.stringify(value)}`);
      taints.push({ key: t[1]!, ...(t[2] !== undefined ? { value: t[2] } : {}), effect: t[3]! });
    } else if (["server", "token-file", "node-name", "node-ip", "data-dir", "flannel-iface", "default-runtime"].includes(name)) {
      single[name] = value;
    } else {
      die(`flag provided but not defined: -${name}`);
    }
  }
  for (const required of ["server", "token-file", "node-name", "node-ip", "data-dir"]) if (!single[required]) die(`--${required} is required`);
  return { server: single.server!.replace(/\/+$/, ""), tokenFile: single["token-file"]!, nodeName: single["node-name"]!, nodeIp: single["node-ip"]!, dataDir: single["data-dir"]!, labels, taints };
}

async function api(a: { server: string; ca?: string; token?: string; cert?: string; key?: string }, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${a.server}${path}`, {
    method,
    headers: { accept: "application/json", ...(body ? { "content-type": "application/json" } : {}), ...(a.token ? { authorization: `Bearer ${a.token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    tls: a.ca ? { ca: a.ca, cert: a.cert, key: a.key } : { rejectUnauthorized: false },
  } as RequestInit);
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = { message: text };
  }
  return { status: res.status, json };
}

function openssl(args: string[], input?: string): string {
  const r = Bun.spawnSync(["openssl", ...args], { stdin: input ? Buffer.from(input) : "ignore" });
  if (r.exitCode !== 0) die(`openssl ${args[0]} failed: ${r.stderr.toString().trim()}`);
  return r.stdout.toString();
}

/** pinnedCa reads the cluster CA without trusting the connection, and accepts it only if its hash is the token's. */
async function pinnedCa(server: string, expectedHash: string): Promise<string> {
  const r = await api({ server }, "GET", "/api/v1/namespaces/kube-public/configmaps/cluster-info");
  if (r.status !== 200) die(`failed to get CA certs: ${r.status} ${r.json?.message ?? ""}`);
  const kubeconfig = String(r.json.data?.kubeconfig ?? "");
  const m = /certificate-authority-data:\s*(\S+)/.exec(kubeconfig);
  if (!m) die("failed to get CA certs: cluster-info has no certificate-authority-data");
  const pem = Buffer.from(m[1]!, "base64");
  const hash = createHash("sha256").update(pem).digest("hex");
  if (hash !== expectedHash) die(`token CA hash does not match the Cluster CA certificate hash: ${hash} != ${expectedHash}`);
  return pem.toString();
}

async function bootstrap(a: Args, dir: string): Promise<{ ca: string; cert: string; key: string }> {
  const raw = readFileSync(a.tokenFile, "utf8").trim();
  const t = /^K10([0-9a-f]{64})::([a-z0-9]{6})\.([a-z0-9]{16})$/.exec(raw);
  if (!t) die("token is not in the K10<ca-hash>::<id>.<secret> form");
  const ca = await pinnedCa(a.server, t[1]!);
  const token = `${t[2]}.${t[3]}`;
  const key = openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout"]);
  const csr = openssl(["req", "-new", "-key", "/dev/stdin", "-subj", `/O=system:nodes/CN=system:node:${a.nodeName}`], key);
  const csrName = `node-csr-${a.nodeName}-${Date.now().toString(36)}`;
  const created = await api({ server: a.server, ca, token }, "POST", "/apis/certificates.k8s.io/v1/certificatesigningrequests", {
    apiVersion: "certificates.k8s.io/v1",
    kind: "CertificateSigningRequest",
    metadata: { name: csrName },
    spec: { request: Buffer.from(csr).toString("base64"), signerName: "kubernetes.io/kube-apiserver-client-kubelet", usages: ["digital signature", "client auth"] },
  });
  if (created.status === 401) die("Unauthorized: the join token is not valid (wrong, expired or already used)");
  if (created.status !== 201) die(`CSR not accepted: ${created.status} ${created.json?.message ?? ""}`);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const got = await api({ server: a.server, ca, token }, "GET", `/apis/certificates.k8s.io/v1/certificatesigningrequests/${csrName}`);
    // Once the node is registered the registry revokes the token; by then the certificate is in hand.
    if (got.status === 401) die("Unauthorized: the join token was revoked before the certificate was issued");
    const cert = got.json?.status?.certificate as string | undefined;
    if (cert) {
      const pem = Buffer.from(cert, "base64").toString();
      writeFileSync(join(dir, "client-kubelet.key"), key, { mode: 0o600 });
      writeFileSync(join(dir, "client-kubelet.crt"), pem, { mode: 0o600 });
      writeFileSync(join(dir, "server-ca.crt"), ca, { mode: 0o600 });
      return { ca, cert: pem, key };
    }
    const denied = (got.json?.status?.conditions ?? []).find((c: { type: string }) => c.type === "Denied" || c.type === "Failed");
    if (denied) die(`CSR ${denied.type.toLowerCase()}: ${denied.message ?? ""}`);
    if (Date.now() > deadline) die("timed out waiting for the node client certificate");
    await Bun.sleep(250);
  }
}

async function main(): Promise<void> {
  // The agent checks the binary runs before it asks for credentials, as it would the real one.
  if (process.argv[2] === "--version") {
    console.log("k3s version v1.32.2+k3s1 (test stand-in)");
    process.exit(0);
  }
  const a = parseArgs(process.argv.slice(2));
  const dir = join(a.dataDir, "agent");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const creds = existsSync(join(dir, "client-kubelet.crt"))
    ? { ca: readFileSync(join(dir, "server-ca.crt"), "utf8"), cert: readFileSync(join(dir, "client-kubelet.crt"), "utf8"), key: readFileSync(join(dir, "client-kubelet.key"), "utf8") }
    : await bootstrap(a, dir);
  const as = { server: a.server, ...creds };
  const node = {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: a.nodeName,
      labels: { ...a.labels, "kubernetes.io/hostname": a.nodeName, "kubernetes.io/os": "linux", "kubernetes.io/arch": process.arch === "arm64" ? "arm64" : "amd64", "node.kubernetes.io/instance-type": "k3s" },
      // The stand-in runs no kubelet loop; KWOK keeps nodes with this annotation Ready and their pods Running.
      annotations: { "kwok.x-k8s.io/node": "fake", "k3s.io/node-args": JSON.stringify(["agent"]) },
    },
    spec: { taints: a.taints },
    status: {
      addresses: [
        { type: "InternalIP", address: a.nodeIp },
        { type: "Hostname", address: a.nodeName },
      ],
      capacity: { cpu: "8", memory: "16Gi", pods: "110" },
      allocatable: { cpu: "8", memory: "16Gi", pods: "110" },
      nodeInfo: { kubeletVersion: "v1.32.13+k3s1", kubeProxyVersion: "v1.32.13+k3s1", containerRuntimeVersion: "containerd://2.0.0-k3s", operatingSystem: "linux", architecture: process.arch === "arm64" ? "arm64" : "amd64", osImage: "stand-in", kernelVersion: "", machineID: "", systemUUID: "", bootID: "" },
    },
  };
  const r = await api(as, "POST", "/api/v1/nodes", node);
  if (r.status === 401) die("Unauthorized: the node certificate was not accepted");
  if (r.status !== 201 && r.status !== 409) die(`node registration failed: ${r.status} ${r.json?.message ?? ""}`);
  process.stdout.write(`level=info msg="node ${a.nodeName} registered with ${a.server} (InternalIP ${a.nodeIp})"\n`);
  process.on("SIGTERM", () => process.exit(0));
  process.on("SIGINT", () => process.exit(0));
  setInterval(() => {}, 1 << 30);
}

await main();
