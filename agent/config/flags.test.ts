import { describe, expect, test } from "bun:test";
import { parseArgv, resolveFlags, UsageError, envName, type FlagSpec } from "./flags.ts";
import { parseListen, parseRegistryUrl, parseClaim } from "./common-flags.ts";

const specs: FlagSpec[] = [
  { name: "state-dir", kind: "string", help: "", default: "/default" },
  { name: "listen", kind: "string", help: "", default: "127.0.0.1:7777", parse: parseListen },
  { name: "json", kind: "boolean", help: "", default: false },
  { name: "cpu-cores", kind: "number", help: "" },
];

function resolve(argv: string[], env: Record<string, string> = {}, file: Record<string, unknown> = {}) {
  const { given, positionals } = parseArgv(argv, specs, "test");
  return { ...resolveFlags(given, specs, env, file, "/etc/akash-home/config.json"), positionals };
}

describe("flag precedence: flag > env > config file > default", () => {
  test("the default applies when nothing is given", () => {
    const r = resolve([]);
    expect(r.values["state-dir"]).toBe("/default");
    expect(r.sources["state-dir"]).toBe("default");
  });
  test("the config file beats the default", () => {
    expect(resolve([], {}, { "state-dir": "/file" }).values["state-dir"]).toBe("/file");
  });
  test("the environment beats the config file", () => {
    const r = resolve([], { AKASH_HOME_STATE_DIR: "/env" }, { "state-dir": "/file" });
    expect(r.values["state-dir"]).toBe("/env");
    expect(r.sources["state-dir"]).toBe("env");
  });
  test("a flag beats everything, in both spellings", () => {
    expect(resolve(["--state-dir", "/flag"], { AKASH_HOME_STATE_DIR: "/env" }, { "state-dir": "/file" }).values["state-dir"]).toBe("/flag");
    expect(resolve(["--state-dir=/flag2"], { AKASH_HOME_STATE_DIR: "/env" }).values["state-dir"]).toBe("/flag2");
  });
  test("every flag has its env twin", () => {
    expect(envName("state-dir")).toBe("AKASH_HOME_STATE_DIR");
    expect(envName("cpu-cores")).toBe("AKASH_HOME_CPU_CORES");
    expect(resolve([], { AKASH_HOME_CPU_CORES: "3" }).values["cpu-cores"]).toBe(3);
    expect(resolve([], { AKASH_HOME_JSON: "true" }).values.json).toBe(true);
  });
  test("booleans take --x, --x=false and --no-x", () => {
    expect(resolve(["--json"]).values.json).toBe(true);
    expect(resolve(["--json=false"], { AKASH_HOME_JSON: "1" }).values.json).toBe(false);
    expect(resolve(["--no-json"], { AKASH_HOME_JSON: "1" }).values.json).toBe(false);
  });
  test("positionals are kept", () => {
    expect(resolve(["doctor", "--json", "--", "--not-a-flag"]).positionals).toEqual(["doctor", "--not-a-flag"]);
  });
});

describe("bad input gets a one-line error that says what is accepted", () => {
  const message = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      return (err as Error).message;
    }
    throw new Error("expected a UsageError");
  };
  test("an unknown flag lists the accepted ones", () => {
    const m = message(() => resolve(["--colour"]));
    expect(m).toContain("unknown flag --colour");
    expect(m).toContain("--state-dir, --listen, --json, --cpu-cores");
    expect(m).not.toContain("\n");
  });
  test("a missing value", () => {
    expect(message(() => resolve(["--state-dir"]))).toContain("--state-dir needs a value");
  });
  test("a non-numeric number, from a flag or the environment", () => {
    expect(message(() => resolve(["--cpu-cores", "many"]))).toContain('"many" is not a number');
    expect(message(() => resolve([], { AKASH_HOME_CPU_CORES: "x" }))).toContain("AKASH_HOME_CPU_CORES");
  });
  test("a bad value in the config file names the file and key", () => {
    expect(message(() => resolve([], {}, { listen: "0.0.0.0:7777" }))).toContain('/etc/akash-home/config.json: "listen"');
    expect(message(() => resolve([], {}, { "state-dir": ["a"] }))).toContain("must be a string");
  });
});

describe("value checks", () => {
  test("the page listens on loopback only", () => {
    expect(parseListen("127.0.0.1:7777", "x")).toBe("127.0.0.1:7777");
    expect(parseListen("[::1]:8000", "x")).toBe("[::1]:8000");
    expect(parseListen("localhost:9", "x")).toBe("localhost:9");
    for (const bad of ["0.0.0.0:7777", "192.168.1.5:7777", "127.0.0.1", "127.0.0.1:70000", ":7777"]) {
      expect(() => parseListen(bad, "--listen")).toThrow(/loopback/);
    }
  });
  test("registry URLs must be http(s) without query", () => {
    expect(parseRegistryUrl("https://registry.example.org/", "x")).toBe("https://registry.example.org");
    expect(() => parseRegistryUrl("registry.example.org", "--registry")).toThrow(/not a URL/);
    expect(() => parseRegistryUrl("ftp://x", "--registry")).toThrow(/https/);
    expect(() => parseRegistryUrl("https://x/?a=1", "--registry")).toThrow(/query/);
  });
  test("claim codes are normalised and checked", () => {
    expect(parseClaim(" k7qx-3mpa ", "x")).toBe("K7QX-3MPA");
    expect(() => parseClaim("a b", "--claim")).toThrow(/not a claim code/);
  });
});
