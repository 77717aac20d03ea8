import { expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Downloads } from "./downloads.ts";

const SCRIPT = "#!/bin/sh\nDEFAULT_DOWNLOAD_URL=''\nmain\n";

test("install.sh is served with this registry's download address filled in", async () => {
  const text = await new Downloads(null, SCRIPT, "https://registry.example.org/").script().text();
  expect(text).toContain("DEFAULT_DOWNLOAD_URL='https://registry.example.org/downloads'");
});

test("only the agent binaries and SHA256SUMS are served, never other files of the folder", async () => {
  const dir = mkdtempSync(join(tmpdir(), "akash-home-downloads-"));
  writeFileSync(join(dir, "akash-home-linux-x64"), "binary");
  writeFileSync(join(dir, "SHA256SUMS"), "abc  akash-home-linux-x64\n");
  writeFileSync(join(dir, "secret.txt"), "no");
  const d = new Downloads(dir, SCRIPT, "http://127.0.0.1:8080");
  expect(await d.file("akash-home-linux-x64").text()).toBe("binary");
  expect(d.file("SHA256SUMS").headers.get("content-type")).toContain("text/plain");
  for (const name of ["secret.txt", "../SHA256SUMS", "akash-home-linux-arm64"]) expect(d.file(name).status).toBe(404);
  expect(d.available().sort()).toEqual(["SHA256SUMS", "akash-home-linux-x64"]);
  expect(new Downloads(null, SCRIPT, "http://x").file("SHA256SUMS").status).toBe(404);
});
