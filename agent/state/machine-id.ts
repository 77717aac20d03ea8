import { readFileSync } from "node:fs";

// The registry recognises a reinstall of this machine (new key, same machine) and a copied state dir
// (same key, other machine) by a hash of the machine id. The raw id stays here: systemd asks that it not
// be exposed, and a salted hash is enough to compare.

const SOURCES = ["/etc/machine-id", "/var/lib/dbus/machine-id"];

/** machineIdHash is hex SHA-256 of "akash-home:" + the machine id, or of the fallback when there is none. */
export function machineIdHash(fallback: string, sources: readonly string[] = SOURCES): string {
  let id = "";
  for (const path of sources) {
    try {
      id = readFileSync(path, "utf8").trim();
    } catch {
      continue;
    }
    if (id) break;
  }
  return new Bun.CryptoHasher("sha256").update(`akash-home:${id || `no-machine-id:${fallback}`}`).digest("hex");
}
