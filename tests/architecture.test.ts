// The import rules of the architecture page, enforced: agent and registry never import each other,
// ui imports only protocol, protocol only valibot, the CLI never reaches the backend directly, and
// domain logic stays free of Elysia and JSX.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "..");
const TOP = ["protocol", "ui", "agent", "registry"];

interface Edge {
  from: string;
  /** Repository-relative path for our files, the package name for dependencies. */
  to: string;
  local: boolean;
}

function sourceFiles(dir: string): string[] {
  const abs = join(ROOT, dir);
  let entries: string[];
  try {
    entries = readdirSync(abs);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(abs, name);
    if (statSync(path).isDirectory()) return sourceFiles(join(dir, name));
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [join(dir, name)] : [];
  });
}

const transpiler = new Bun.Transpiler({ loader: "tsx" });

function edgesOf(file: string, src: string): Edge[] {
  // Only what the source itself imports: the transpiler also reports the JSX runtime it would inject,
  // which is tsconfig's business (and JSX in domain logic is caught by the no-.tsx rule below).
  const written = transpiler.scanImports(src).filter((i) => i.kind === "import-statement" || i.kind === "dynamic-import");
  return written.map(({ path }) => {
    if (path.startsWith(".")) return { from: file, to: relative(ROOT, resolve(ROOT, dirname(file), path)), local: true };
    const pkg = path.startsWith("@") ? path.split("/").slice(0, 2).join("/") : path.split("/")[0]!;
    return { from: file, to: pkg, local: false };
  });
}

const top = (path: string) => path.split("/")[0]!;
const isDomain = (f: string) => f.startsWith("agent/backend/") || /^registry\/[^/]+\/service\.ts$/.test(f);
const UI_PACKAGES = new Set(["@kitajs/html", "htmx.org", "valibot"]);

/** RULES: each names a rule and says whether an import edge breaks it. */
const RULES: Record<string, (e: Edge) => boolean> = {
  "protocol imports only valibot": (e) => top(e.from) === "protocol" && (e.local ? top(e.to) !== "protocol" : e.to !== "valibot"),
  "ui imports only protocol": (e) => top(e.from) === "ui" && (e.local ? !["ui", "protocol"].includes(top(e.to)) : !UI_PACKAGES.has(e.to)),
  "agent does not import registry": (e) => e.local && top(e.from) === "agent" && top(e.to) === "registry",
  "registry does not import agent": (e) => e.local && top(e.from) === "registry" && top(e.to) === "agent",
  "cli does not import the backend": (e) =>
    e.from.startsWith("agent/cli/") && e.local && (e.to.startsWith("agent/backend/") || e.to.startsWith("agent/web/") || e.to === "agent/local-api/server.ts"),
  "domain logic imports no Elysia or JSX": (e) =>
    isDomain(e.from) && ((!e.local && (e.to === "elysia" || e.to.startsWith("@elysiajs/") || e.to === "@kitajs/html")) || (e.local && (top(e.to) === "ui" || e.to.endsWith(".tsx")))),
  "nothing imports scripts, tests, bench or install": (e) => e.local && ["scripts", "tests", "bench", "install"].includes(top(e.to)),
};

function broken(edges: Edge[]): string[] {
  return Object.entries(RULES).flatMap(([rule, breaks]) => edges.filter(breaks).map((e) => `${rule}: ${e.from} → ${e.to}`));
}

const projectFiles = TOP.flatMap(sourceFiles);
const projectEdges = projectFiles.flatMap((f) => edgesOf(f, readFileSync(join(ROOT, f), "utf8")));

describe("import rules", () => {
  test("the scan sees the project's files", () => {
    expect(projectFiles.length).toBeGreaterThan(30);
    expect(projectEdges.length).toBeGreaterThan(50);
  });

  test("the project keeps every rule", () => {
    expect(broken(projectEdges)).toEqual([]);
  });

  test("domain logic has no JSX files", () => {
    expect(projectFiles.filter((f) => isDomain(f) && f.endsWith(".tsx"))).toEqual([]);
  });

  // Each rule must be able to fail, or it guards nothing.
  test.each([
    ["protocol/x.ts", 'import "../agent/main.ts";', "protocol imports only valibot"],
    ["protocol/x.ts", 'import "elysia";', "protocol imports only valibot"],
    ["ui/agent/x.tsx", 'import "../../agent/backend/agent-backend.ts";', "ui imports only protocol"],
    ["ui/agent/x.tsx", 'import "elysia";', "ui imports only protocol"],
    ["agent/backend/x.ts", 'import "../../registry/devices/service.ts";', "agent does not import registry"],
    ["registry/devices/service.ts", 'import "../../agent/state/atomic-file.ts";', "registry does not import agent"],
    ["agent/cli/x.ts", 'import "../backend/agent-backend.ts";', "cli does not import the backend"],
    ["agent/backend/x.ts", 'import { Elysia } from "elysia";', "domain logic imports no Elysia or JSX"],
    ["agent/backend/x.ts", 'import "../../ui/agent/wizard.tsx";', "domain logic imports no Elysia or JSX"],
    ["agent/daemon/x.ts", 'import "../../tests/fixtures/x.ts";', "nothing imports scripts, tests, bench or install"],
  ])("a violation in %s (%s) is reported", (file, src, rule) => {
    expect(broken(edgesOf(file, src)).some((line) => line.startsWith(rule + ":"))).toBe(true);
  });
});
