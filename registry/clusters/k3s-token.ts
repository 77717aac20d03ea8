import { createHash, randomInt, X509Certificate } from "node:crypto";

// The k3s join token and the bootstrap-token Secret behind it, written the way `k3s token create` writes
// them (k3s pkg/cli/token, pkg/kubeadm; Kubernetes' bootstrap-token format), so a stock k3s agent joins with
// it and the API server's bootstrap-token authenticator accepts it:
//   token  = "K10" + <CA hash> + "::" + <id> + "." + <secret>
//   secret = kube-system/bootstrap-token-<id>, type bootstrap.kubernetes.io/token
// The CA hash is what the agent checks the server's /cacerts download against (k3s pkg/clientaccess
// token.go hashCA): the SHA-256 of the bundle's exact bytes when it holds one certificate, else the SHA-256
// of the DER of the root that the bundle's first certificate chains to. Any other byte (a missing final
// newline) changes the hash, so hash what the server serves at /cacerts.

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
export const BOOTSTRAP_TOKEN_SECRET_TYPE = "bootstrap.kubernetes.io/token";
export const BOOTSTRAP_TOKEN_NAMESPACE = "kube-system";
/**
 * The extra group our tokens authenticate as. Every bootstrap token also gets `system:bootstrappers`, which
 * is what the k3s supervisor lets join; a group of our own keeps RBAC for our tokens apart from kubeadm's.
 */
export const BOOTSTRAP_GROUP = "system:bootstrappers:akash-home";
/** Labels on our token Secrets: which device a token is for, and that we made it. */
export const TOKEN_DEVICE_LABEL = "home.akash.network/device-id";
export const TOKEN_MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const MANAGED_BY = "akash-home-registry";

const ID_PATTERN = /^[a-z0-9]{6}$/;

function randomText(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/** newTokenParts makes a bootstrap token id (6) and secret (16) from [a-z0-9], uniformly at random. */
export function newTokenParts(): { id: string; secret: string } {
  return { id: randomText(6), secret: randomText(16) };
}

export function isTokenId(id: string): boolean {
  return ID_PATTERN.test(id);
}

export function tokenSecretName(id: string): string {
  if (!isTokenId(id)) throw new RangeError(`${JSON.stringify(id)} is not a bootstrap token id (6 characters a-z, 0-9)`);
  return `bootstrap-token-${id}`;
}

/** pemCertificates splits a PEM bundle into its certificates, in order. */
function pemCertificates(bundle: string): X509Certificate[] {
  const blocks = bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => new X509Certificate(block));
}

/** caHash is k3s's hash of a CA bundle (see the header); caBundle is the bytes /cacerts serves. */
export function caHash(caBundle: string | Uint8Array): string {
  const bytes = typeof caBundle === "string" ? Buffer.from(caBundle, "utf8") : Buffer.from(caBundle);
  let certs: X509Certificate[];
  try {
    certs = pemCertificates(bytes.toString("utf8"));
  } catch (err) {
    throw new Error(`the cluster CA bundle holds a certificate that cannot be read: ${(err as Error).message}`);
  }
  if (certs.length === 0) throw new Error("the cluster CA bundle holds no PEM certificate");
  if (certs.length > 1) {
    const root = chainRoot(certs);
    if (root) return createHash("sha256").update(root.raw).digest("hex");
  }
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * chainRoot follows the first certificate's issuers through the rest of the bundle to a self-signed root,
 * as Go's x509 Verify does in hashCA (roots: later certificates without an authority key id or whose
 * authority key id is their own; the rest intermediates). null when there is no such chain: k3s then
 * hashes the bytes as they are.
 */
function chainRoot(certs: X509Certificate[]): X509Certificate | null {
  const candidates = certs.slice(1);
  const isRoot = (c: X509Certificate) => c.checkIssued(c) && c.verify(c.publicKey);
  let current = certs[0]!;
  for (let hops = 0; hops <= candidates.length; hops++) {
    const issuer = candidates.find((c) => c !== current && current.checkIssued(c) && current.verify(c.publicKey));
    if (!issuer) return null;
    if (isRoot(issuer)) return issuer;
    current = issuer;
  }
  return null;
}

/** formatK3sToken writes the full ("secure") k3s token. */
export function formatK3sToken(caBundle: string | Uint8Array, id: string, secret: string): string {
  return `K10${caHash(caBundle)}::${id}.${secret}`;
}

/** rfc3339 writes a time as RFC 3339 in UTC without fractions, as kubeadm does for `expiration`. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

export interface BootstrapTokenSecretSpec {
  id: string;
  secret: string;
  deviceId: string;
  expiresAtMs: number;
}

/** bootstrapTokenSecret is the Secret the API server's bootstrap-token authenticator reads. */
export function bootstrapTokenSecret(spec: BootstrapTokenSecretSpec) {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: tokenSecretName(spec.id),
      namespace: BOOTSTRAP_TOKEN_NAMESPACE,
      labels: { [TOKEN_DEVICE_LABEL]: spec.deviceId, [TOKEN_MANAGED_BY_LABEL]: MANAGED_BY },
    },
    type: BOOTSTRAP_TOKEN_SECRET_TYPE,
    stringData: {
      "token-id": spec.id,
      "token-secret": spec.secret,
      expiration: rfc3339(spec.expiresAtMs),
      description: `Akash at Home join token for device ${spec.deviceId}`,
      // Authentication only: "signing" would let it sign the cluster-info ConfigMap, which a k3s agent never reads.
      "usage-bootstrap-authentication": "true",
      "auth-extra-groups": BOOTSTRAP_GROUP,
    },
  };
}
