// The k3s token format: a stock k3s agent must accept what the registry hands out, so the CA hash follows
// k3s's hashCA to the byte (raw PEM for one certificate, the root's DER for a chain), checked here against
// certificates openssl makes and the hashes sha256sum and openssl compute independently.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BOOTSTRAP_GROUP, bootstrapTokenSecret, caHash, formatK3sToken, isTokenId, newTokenParts, rfc3339, tokenSecretName } from "./k3s-token.ts";

let dir: string;
const pem: Record<string, string> = {};

function run(argv: string[]): string {
  const result = Bun.spawnSync(argv, { cwd: dir, stderr: "pipe" });
  if (result.exitCode !== 0) throw new Error(`${argv.join(" ")}: ${result.stderr.toString()}`);
  return result.stdout.toString();
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "k3s-token-"));
  const ext = join(dir, "ca.ext");
  writeFileSync(ext, "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n");
  const key = (name: string) => run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", `${name}.key`]);
  key("root");
  run(["openssl", "req", "-x509", "-new", "-key", "root.key", "-subj", "/CN=test-root", "-days", "2", "-out", "root.pem", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  key("inter");
  run(["openssl", "req", "-new", "-key", "inter.key", "-subj", "/CN=test-intermediate", "-out", "inter.csr"]);
  run(["openssl", "x509", "-req", "-in", "inter.csr", "-CA", "root.pem", "-CAkey", "root.key", "-CAcreateserial", "-days", "2", "-extfile", ext, "-out", "inter.pem"]);
  key("other");
  run(["openssl", "req", "-x509", "-new", "-key", "other.key", "-subj", "/CN=unrelated", "-days", "2", "-out", "other.pem"]);
  for (const n of ["root", "inter", "other"]) pem[n] = readFileSync(join(dir, `${n}.pem`), "utf8");
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("caHash", () => {
  test("one self-signed CA: the SHA-256 of the PEM file's exact bytes, as sha256sum prints it", () => {
    expect(caHash(pem.root!)).toBe(run(["sha256sum", "root.pem"]).split(" ")[0]!);
  });

  test("a different byte (no final newline) is a different hash, so the bytes must be the ones /cacerts serves", () => {
    expect(caHash(pem.root!.trimEnd())).not.toBe(caHash(pem.root!));
  });

  test("a chain: the SHA-256 of the root's DER (its fingerprint), whatever else the bundle holds", () => {
    const fingerprint = run(["openssl", "x509", "-in", "root.pem", "-noout", "-fingerprint", "-sha256"]).split("=")[1]!.trim().replaceAll(":", "").toLowerCase();
    expect(caHash(pem.inter! + pem.root!)).toBe(fingerprint);
    expect(caHash(pem.inter! + pem.other! + pem.root!)).toBe(fingerprint);
  });

  test("a bundle whose first certificate chains to nothing in it is hashed as bytes, as k3s does", () => {
    const bundle = pem.inter! + pem.other!;
    expect(caHash(bundle)).toBe(new Bun.CryptoHasher("sha256").update(bundle).digest("hex"));
  });

  test("no certificate at all is an error that says so", () => {
    expect(() => caHash("not a certificate")).toThrow("holds no PEM certificate");
  });
});

describe("tokens", () => {
  test("ids are 6 and secrets 16 characters of [a-z0-9], and differ every time", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const { id, secret } = newTokenParts();
      expect(id).toMatch(/^[a-z0-9]{6}$/);
      expect(secret).toMatch(/^[a-z0-9]{16}$/);
      seen.add(`${id}.${secret}`);
    }
    expect(seen.size).toBe(200);
  });

  test("the full token is K10, the CA hash, ::, id.secret — the form `k3s token create` prints", () => {
    const token = formatK3sToken(pem.root!, "abc123", "0123456789abcdef");
    expect(token).toBe(`K10${caHash(pem.root!)}::abc123.0123456789abcdef`);
    expect(token).toMatch(/^K10[0-9a-f]{64}::[a-z0-9]{6}\.[a-z0-9]{16}$/);
  });

  test("a token id must look like one before it names a Secret", () => {
    expect(tokenSecretName("abc123")).toBe("bootstrap-token-abc123");
    expect(isTokenId("ABC123")).toBe(false);
    expect(() => tokenSecretName("../x")).toThrow("not a bootstrap token id");
  });

  test("the Secret carries what the bootstrap-token authenticator reads, and names the device", () => {
    const secret = bootstrapTokenSecret({ id: "abc123", secret: "0123456789abcdef", deviceId: "ah-aaaaaaaaaaaaaaaa", expiresAtMs: Date.parse("2030-01-02T03:04:05.678Z") });
    expect(secret.type).toBe("bootstrap.kubernetes.io/token");
    expect(secret.metadata).toMatchObject({ name: "bootstrap-token-abc123", namespace: "kube-system" });
    expect(secret.stringData).toMatchObject({
      "token-id": "abc123",
      "token-secret": "0123456789abcdef",
      expiration: "2030-01-02T03:04:05Z",
      "usage-bootstrap-authentication": "true",
      "auth-extra-groups": BOOTSTRAP_GROUP,
    });
    expect(secret.stringData.description).toContain("ah-aaaaaaaaaaaaaaaa");
    expect(BOOTSTRAP_GROUP).toStartWith("system:bootstrappers:");
  });

  test("expiration is RFC 3339 in UTC, whole seconds, rounded down (never later than asked)", () => {
    expect(rfc3339(Date.parse("2030-01-02T03:04:05.999Z"))).toBe("2030-01-02T03:04:05Z");
  });
});
