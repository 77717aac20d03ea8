import { isAbsolute, resolve } from "node:path";
import { DEFAULT_LISTEN, defaultConfigFile, defaultStateDir } from "./paths.ts";
import { UsageError, type FlagSpec } from "./flags.ts";

// Flags shared by several subcommands, each with the one validator that says what it accepts.

/** parseListen accepts a loopback host:port; the page must never be reachable from the network. */
export function parseListen(raw: string, source: string): string {
  const m = /^(\[::1\]|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost):(\d{1,5})$/.exec(raw.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) {
    throw new UsageError(`${source}: "${raw}" is not a loopback address; use 127.0.0.1:PORT, [::1]:PORT or localhost:PORT`);
  }
  return `${m[1]}:${port}`;
}

/** parseRegistryUrl accepts an http(s) URL with no query or fragment. */
export function parseRegistryUrl(raw: string, source: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new UsageError(`${source}: "${raw}" is not a URL; use https://registry.example.org`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new UsageError(`${source}: use an https:// URL, not ${url.protocol}`);
  if (url.search || url.hash) throw new UsageError(`${source}: the registry URL takes no query or fragment`);
  return url.toString().replace(/\/+$/, "");
}

function parsePath(raw: string, source: string): string {
  if (raw.trim() === "") throw new UsageError(`${source} needs a directory path`);
  return isAbsolute(raw) ? raw : resolve(raw);
}

/** parseClaim accepts the short codes the owner portal makes (letters, digits and dashes). */
export function parseClaim(raw: string, source: string): string {
  const code = raw.trim().toUpperCase();
  if (!/^[A-Z0-9][A-Z0-9-]{3,63}$/.test(code)) throw new UsageError(`${source}: "${raw}" is not a claim code; copy it from the owner portal, e.g. K7QX-3MPA`);
  return code;
}

export const stateDirFlag: FlagSpec = { name: "state-dir", kind: "string", placeholder: "DIR", help: "where the device key, settings and results live", default: defaultStateDir(), parse: parsePath };
export const configFlag: FlagSpec = { name: "config", kind: "string", placeholder: "FILE", help: "JSON config file whose keys are flag names", default: defaultConfigFile(), parse: parsePath };
export const jsonFlag: FlagSpec = { name: "json", kind: "boolean", help: "print machine-readable JSON", default: false };
export const listenFlag: FlagSpec = { name: "listen", kind: "string", placeholder: "HOST:PORT", help: "address of the setup page (loopback only)", default: DEFAULT_LISTEN, parse: parseListen };
export const registryFlag: FlagSpec = { name: "registry", kind: "string", placeholder: "URL", help: "the registry this device checks into", parse: parseRegistryUrl };
export const claimFlag: FlagSpec = { name: "claim", kind: "string", placeholder: "CODE", help: "claim code from the owner portal", parse: parseClaim };
export const helpFlag: FlagSpec = { name: "help", kind: "boolean", help: "show this help", default: false };
export const ignoreChecksFlag: FlagSpec = { name: "ignore-checks", kind: "string", placeholder: "ID,ID", help: 'failing checks to treat as warnings, by id (see "akash-home doctor --json"), or "all"' };
