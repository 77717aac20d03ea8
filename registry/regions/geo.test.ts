import { describe, expect, test } from "bun:test";
import { countryCentroid, countryOfIp, createCountryLookup, greatCircleKm, isCountryCode, isPublicIp } from "./geo.ts";

describe("great-circle distance", () => {
  test("matches known distances between cities", () => {
    const london = { latitude: 51.5074, longitude: -0.1278 };
    const newYork = { latitude: 40.7128, longitude: -74.006 };
    expect(greatCircleKm(london, newYork)).toBeCloseTo(5570, -1);
    expect(greatCircleKm(newYork, london)).toBeCloseTo(greatCircleKm(london, newYork), 6);
    expect(greatCircleKm(london, london)).toBe(0);
    // Antipodes: half the Earth's circumference.
    expect(greatCircleKm({ latitude: 0, longitude: 0 }, { latitude: 0, longitude: 180 })).toBeCloseTo(20015, -1);
  });
});

describe("countries", () => {
  test("centroids come from the country list, any case", () => {
    expect(countryCentroid("US")).toEqual({ latitude: 38, longitude: -97 });
    expect(countryCentroid("de")).toEqual(countryCentroid("DE"));
    expect(countryCentroid("XX")).toBeNull();
  });

  test("only real ISO alpha-2 codes are country codes", () => {
    expect(isCountryCode("GB")).toBe(true);
    expect(isCountryCode("UK")).toBe(false);
    expect(isCountryCode("us")).toBe(false);
  });
});

describe("geo-IP", () => {
  test("loopback, private, link-local and tailnet addresses are not public", () => {
    for (const ip of ["127.0.0.1", "10.1.2.3", "172.20.0.1", "192.168.1.10", "169.254.1.1", "100.64.0.5", "::1", "fd7a:115c:a1e0::1", "fe80::1", "::ffff:192.168.0.1", "not-an-ip"]) {
      expect([ip, isPublicIp(ip)]).toEqual([ip, false]);
    }
    for (const ip of ["8.8.8.8", "172.32.0.1", "2001:4860:4860::8888", "::ffff:8.8.8.8"]) expect([ip, isPublicIp(ip)]).toEqual([ip, true]);
  });

  test("finds the country of a public address with the bundled data", async () => {
    expect(await countryOfIp("8.8.8.8")).toBe("US");
    expect(await countryOfIp("2001:4860:4860::8888")).toBe("US");
    expect(await countryOfIp("127.0.0.1")).toBeNull();
  });

  test("without its data it answers null and says so once", async () => {
    const notes: unknown[] = [];
    const lookup = createCountryLookup(
      () => Promise.reject(new Error("ENOENT: geoip-country.dat")),
      (event, fields) => notes.push({ event, ...fields }),
    );
    expect(await lookup("8.8.8.8")).toBeNull();
    expect(await lookup("1.1.1.1")).toBeNull();
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ event: "geo-IP fallback unavailable", reason: "ENOENT: geoip-country.dat" });
  });

  test("does not load the data for addresses it would not look up", async () => {
    let loads = 0;
    const lookup = createCountryLookup(async () => {
      loads++;
      return { lookup: () => ({ country: "DE" }) };
    });
    expect(await lookup("10.0.0.1")).toBeNull();
    expect(loads).toBe(0);
    expect(await lookup("5.1.2.3")).toBe("DE");
    expect(await lookup("5.1.2.4")).toBe("DE");
    expect(loads).toBe(1);
  });
});

test("the embedded country table is what scripts/gen-country-centroids.ts makes from world-countries", async () => {
  const { centroidsSource } = await import("../../scripts/gen-country-centroids.ts");
  expect(await Bun.file(new URL("./country-centroids.ts", import.meta.url)).text()).toBe(centroidsSource());
});
