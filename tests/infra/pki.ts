// pki: the certificates and keys of a test Kubernetes control plane, made with the openssl CLI — a cluster CA
// (which also signs the node certificates kube-controller-manager issues), the API server's serving cert,
// client certs (admin in system:masters, the controller-manager, the scheduler), and the service-account
// signing key pair. ECDSA P-256 throughout: as good as RSA for this and much faster to generate.
import { createHash, X509Certificate } from "node:crypto";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import { runCommand } from "./process.ts";

/** The Service network of test clusters: virtual (never routed), inside the harness's own 198.18.0.0/15. */
export const SERVICE_CIDR = "198.19.128.0/20";
/** The first address of SERVICE_CIDR, which the API server takes for the `kubernetes` Service. */
export const KUBERNETES_SERVICE_IP = "198.19.128.1";

export interface CertPair {
  readonly certPath: string;
  readonly keyPath: string;
}

export interface ClusterPki {
  readonly dir: string;
  /** ca signs every cert here, and is the signer kube-controller-manager issues node certs with. */
  readonly ca: CertPair;
  readonly caCertPem: string;
  /** caCertSha256Hex is SHA-256 over the CA cert's DER bytes (the certificate itself, encoding-independent). */
  readonly caCertSha256Hex: string;
  /**
   * caPemSha256Hex is SHA-256 over the exact PEM text in caCertPem. k3s's join token (K10<hash>::…) pins this one:
   * for a single-certificate bundle k3s hashes the literal bytes its /cacerts endpoint serves
   * (pkg/clientaccess/token.go hashCA); only multi-certificate bundles hash the root's DER instead.
   */
  readonly caPemSha256Hex: string;
  /** caSpkiSha256Hex is SHA-256 over the CA's SubjectPublicKeyInfo: kubeadm's --discovery-token-ca-cert-hash (sha256:<hex>). */
  readonly caSpkiSha256Hex: string;
  readonly apiServerServing: CertPair;
  readonly admin: CertPair;
  readonly controllerManager: CertPair;
  readonly scheduler: CertPair;
  readonly serviceAccount: { readonly publicKeyPath: string; readonly privateKeyPath: string };
  /** issueClientCert signs a new client cert with the cluster CA (the user is commonName, groups are organizations). */
  issueClientCert(name: string, commonName: string, organizations?: string[]): Promise<CertPair>;
}

export interface ClusterPkiOptions {
  /** dir receives the files (keys 0600). */
  dir: string;
  /** ips are extra IP SANs of the serving cert (127.0.0.1 and the kubernetes Service IP are always in). */
  ips?: string[];
  /** dnsNames are extra DNS SANs of the serving cert. */
  dnsNames?: string[];
}

const DAYS = "30";

async function openssl(args: string[], dir: string): Promise<void> {
  await runCommand(["openssl", ...args], { cwd: dir, timeoutMs: 30_000 });
}

function randomSerial(): string {
  return `0x${createHash("sha256").update(crypto.getRandomValues(new Uint8Array(16))).digest("hex").slice(0, 30)}`;
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

async function newKey(dir: string, name: string): Promise<string> {
  const keyPath = join(dir, `${name}.key`);
  await openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", keyPath], dir);
  chmodSync(keyPath, 0o600);
  return keyPath;
}

function subject(commonName: string, organizations: string[]): string {
  const escape = (v: string) => v.replace(/[/=+,\\]/g, (c) => `\\${c}`);
  return [...organizations.map((o) => `/O=${escape(o)}`), `/CN=${escape(commonName)}`].join("");
}

/** sign issues a leaf cert for a fresh key with the given extensions. */
async function sign(dir: string, ca: CertPair, name: string, subj: string, extensions: string[]): Promise<CertPair> {
  const keyPath = await newKey(dir, name);
  const csrPath = join(dir, `${name}.csr`);
  const extPath = join(dir, `${name}.ext`);
  const certPath = join(dir, `${name}.crt`);
  writeFileSync(extPath, `${extensions.join("\n")}\n`);
  await openssl(["req", "-new", "-key", keyPath, "-subj", subj, "-out", csrPath], dir);
  await openssl(
    ["x509", "-req", "-in", csrPath, "-CA", ca.certPath, "-CAkey", ca.keyPath, "-set_serial", randomSerial(), "-days", DAYS, "-sha256", "-extfile", extPath, "-out", certPath],
    dir,
  );
  return { certPath, keyPath };
}

function clientExtensions(): string[] {
  return ["basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature,keyEncipherment", "extendedKeyUsage=clientAuth"];
}

/** createClusterPki writes a fresh CA and every cert and key a control plane needs into options.dir. */
export async function createClusterPki(options: ClusterPkiOptions): Promise<ClusterPki> {
  const { dir } = options;
  const caKey = await newKey(dir, "ca");
  const caCert = join(dir, "ca.crt");
  await openssl(
    [
      "req", "-x509", "-new", "-key", caKey, "-subj", "/CN=akash-home-test-cluster-ca", "-days", DAYS, "-sha256",
      "-addext", "basicConstraints=critical,CA:TRUE",
      "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
      "-out", caCert,
    ],
    dir,
  );
  const ca = { certPath: caCert, keyPath: caKey };

  const ips = [...new Set(["127.0.0.1", KUBERNETES_SERVICE_IP, ...(options.ips ?? [])])];
  for (const ip of ips) if (isIP(ip) === 0) throw new Error(`not an IP address for the API server cert: ${ip}`);
  const dnsNames = [...new Set(["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", ...(options.dnsNames ?? [])])];
  const sans = [...ips.map((ip) => `IP:${ip}`), ...dnsNames.map((d) => `DNS:${d}`)].join(",");
  const apiServerServing = await sign(dir, ca, "apiserver", "/CN=kube-apiserver", [
    "basicConstraints=critical,CA:FALSE",
    "keyUsage=critical,digitalSignature,keyEncipherment",
    "extendedKeyUsage=serverAuth",
    `subjectAltName=${sans}`,
  ]);
  const issueClientCert = (name: string, commonName: string, organizations: string[] = []) =>
    sign(dir, ca, name, subject(commonName, organizations), clientExtensions());
  const admin = await issueClientCert("admin", "kubernetes-admin", ["system:masters"]);
  const controllerManager = await issueClientCert("controller-manager", "system:kube-controller-manager");
  const scheduler = await issueClientCert("scheduler", "system:kube-scheduler");

  const saPrivate = await newKey(dir, "service-account");
  const saPublic = join(dir, "service-account.pub");
  await openssl(["pkey", "-in", saPrivate, "-pubout", "-out", saPublic], dir);

  const caCertPem = readFileSync(caCert, "utf8");
  const x509 = new X509Certificate(caCertPem);
  const spki = x509.publicKey.export({ type: "spki", format: "der" });
  return {
    dir,
    ca,
    caCertPem,
    caCertSha256Hex: sha256Hex(x509.raw),
    caPemSha256Hex: sha256Hex(new TextEncoder().encode(caCertPem)),
    caSpkiSha256Hex: sha256Hex(spki),
    apiServerServing,
    admin,
    controllerManager,
    scheduler,
    serviceAccount: { publicKeyPath: saPublic, privateKeyPath: saPrivate },
    issueClientCert,
  };
}
