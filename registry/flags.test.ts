import { describe, expect, test } from "bun:test";
import { parseRegistryFlags, RegistryUsageError } from "./flags.ts";

describe("registry flags", () => {
  test("defaults: all interfaces on 8080, SQLite in the state dir, batching on", () => {
    const f = parseRegistryFlags(["--state-dir", "/srv/reg"], {});
    expect(f).toMatchObject({ listen: { hostname: "0.0.0.0", port: 8080 }, db: "sqlite:/srv/reg/registry.db", publicUrl: "http://127.0.0.1:8080", batching: true, ipRate: 20, deviceRate: 2 });
  });

  test("a flag wins over its AKASH_HOME_REGISTRY_ twin; the database URL can come from the environment alone", () => {
    const env = { AKASH_HOME_REGISTRY_LISTEN: "127.0.0.1:9000", AKASH_HOME_REGISTRY_DB: "postgres://u:secret@db/reg" };
    expect(parseRegistryFlags([], env)).toMatchObject({ listen: { port: 9000 }, db: "postgres://u:secret@db/reg" });
    expect(parseRegistryFlags(["--listen", "127.0.0.1:9100"], env).listen.port).toBe(9100);
  });

  test("bad values are usage errors that name the flag and what it accepts", () => {
    const bad = (argv: string[]) => {
      try {
        parseRegistryFlags(argv, {});
      } catch (err) {
        expect(err).toBeInstanceOf(RegistryUsageError);
        return (err as Error).message;
      }
      throw new Error("accepted");
    };
    expect(bad(["--listen", "8080"])).toContain("HOST:PORT");
    expect(bad(["--batching", "maybe"])).toContain("on or off");
    expect(bad(["--ip-rate", "-1"])).toContain("--ip-rate");
    expect(bad(["--public-url", "ftp://x"])).toContain("http(s) URL");
    expect(bad(["--frobnicate"])).toContain("registry --help");
  });
});
