// kubeconfig: writes a self-contained kubeconfig file (CA, client cert and key embedded) for one identity
// against one API server — what the control-plane components, KWOK and tests connect with. Mode 0600: it
// holds a private key.
import { readFileSync, writeFileSync } from "node:fs";
import { stringify } from "yaml";
import type { CertPair } from "./pki.ts";

export interface KubeconfigOptions {
  path: string;
  server: string;
  caCertPath: string;
  client: CertPair;
  user: string;
}

const b64 = (path: string) => readFileSync(path).toString("base64");

export function writeKubeconfig(options: KubeconfigOptions): string {
  const doc = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "test", cluster: { server: options.server, "certificate-authority-data": b64(options.caCertPath) } }],
    users: [{ name: options.user, user: { "client-certificate-data": b64(options.client.certPath), "client-key-data": b64(options.client.keyPath) } }],
    contexts: [{ name: "test", context: { cluster: "test", user: options.user } }],
    "current-context": "test",
  };
  writeFileSync(options.path, stringify(doc), { mode: 0o600 });
  return options.path;
}
