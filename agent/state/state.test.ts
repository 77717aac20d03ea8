import { describe, expect, test, beforeEach } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verify, createPublicKey } from "node:crypto";
import * as v from "valibot";
import { writeFileAtomic } from "./atomic-file.ts";
import { JsonFile } from "./json-file.ts";
import { loadOrCreateDeviceKey } from "./device-key.ts";
import { AgentState, AGENT_STATE_VERSION, initialAgentState } from "./agent-state.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "akash-home-state-"));
});
const mode = (p: string) => statSync(p).mode & 0o777;

describe("atomic files", () => {
  test("are written whole with mode 0600 and leave no temp file behind", () => {
    const path = join(dir, "sub", "secret");
    writeFileAtomic(path, "one");
    writeFileAtomic(path, "two");
    expect(readFileSync(path, "utf8")).toBe("two");
    expect(mode(path)).toBe(0o600);
    expect(mode(join(dir, "sub"))).toBe(0o700);
    expect(readdirSync(join(dir, "sub"))).toEqual(["secret"]);
  });
  test("an existing file with a wider mode is narrowed", () => {
    const path = join(dir, "f");
    writeFileSync(path, "x", { mode: 0o644 });
    writeFileAtomic(path, "y");
    expect(mode(path)).toBe(0o600);
  });
});

describe("versioned state files", () => {
  const file = () => new JsonFile(join(dir, "state.json"), AgentState, AGENT_STATE_VERSION);

  test("round-trip with a schema version", () => {
    const s = { ...initialAgentState(), registryUrl: "https://r.example", setupStep: "claim" as const };
    file().write(s);
    expect(file().read()).toEqual(s);
    expect(JSON.parse(readFileSync(join(dir, "state.json"), "utf8")).schemaVersion).toBe(AGENT_STATE_VERSION);
  });
  test("a missing file is not a problem", () => {
    const f = file();
    expect(f.read()).toBeNull();
    expect(f.lastProblem).toBeNull();
  });
  test.each([
    ["corrupt JSON", "{not json", "is not valid JSON"],
    ["a foreign file", JSON.stringify({ hello: "world" }), "schema version"],
    ["a newer schema", JSON.stringify({ schemaVersion: 99, data: {} }), "schema version 99"],
    ["wrong contents", JSON.stringify({ schemaVersion: AGENT_STATE_VERSION, data: { setupStep: "nowhere" } }), "does not hold"],
  ])("%s is kept aside as a backup with a clear message", (_name, contents, expected) => {
    writeFileSync(join(dir, "state.json"), contents);
    const f = file();
    expect(f.read()).toBeNull();
    expect(f.lastProblem).toContain(expected);
    const backups = readdirSync(dir).filter((n) => n.startsWith("state.json.bad-"));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(dir, backups[0]!), "utf8")).toBe(contents);
    // The next start finds no bad file and does not complain again: no crash loop.
    const again = file();
    expect(again.read()).toBeNull();
    expect(again.lastProblem).toBeNull();
  });
});

describe("device key", () => {
  test("is made once, kept 0600 and stable across restarts", async () => {
    const path = join(dir, "device-key.json");
    const first = (await loadOrCreateDeviceKey(path)).key;
    const second = (await loadOrCreateDeviceKey(path)).key;
    expect(second.id).toBe(first.id);
    expect(second.publicKey).toBe(first.publicKey);
    expect(mode(path)).toBe(0o600);
    expect(first.id).toMatch(/^ah-[a-z2-7]{16}$/);
  });
  test("signs with Ed25519 under its public key", async () => {
    const { key } = await loadOrCreateDeviceKey(join(dir, "k.json"));
    const msg = new TextEncoder().encode("hello");
    const pub = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: key.publicKey }, format: "jwk" });
    const signature = await key.sign(msg);
    expect(verify(null, msg, pub, signature)).toBe(true);
    expect(verify(null, new TextEncoder().encode("other"), pub, signature)).toBe(false);
  });
  test("two machines get different ids", async () => {
    expect((await loadOrCreateDeviceKey(join(dir, "a.json"))).key.id).not.toBe((await loadOrCreateDeviceKey(join(dir, "b.json"))).key.id);
  });
  test("a corrupt key file is kept aside and a new key is made", async () => {
    const path = join(dir, "device-key.json");
    writeFileSync(path, "garbage");
    const { key, problem } = await loadOrCreateDeviceKey(path);
    expect(key.id).toMatch(/^ah-/);
    expect(problem).toContain("is not valid JSON");
    expect(readdirSync(dir).some((n) => n.startsWith("device-key.json.bad-"))).toBe(true);
  });
  test("the state schema rejects an unknown phase", () => {
    expect(v.safeParse(AgentState, { ...initialAgentState(), phase: "dancing" }).success).toBe(false);
  });
});
