import { expect, test } from "bun:test";
import { RateLimiter } from "./rate-limiter.ts";

test("a client gets its burst, then the rate, and other clients are not affected", () => {
  let now = 0;
  const limiter = new RateLimiter(2, 4, () => now);
  const taken = Array.from({ length: 6 }, () => limiter.take("a"));
  expect(taken).toEqual([true, true, true, true, false, false]);
  expect(limiter.take("b")).toBe(true);
  expect(limiter.retryAfterS("a")).toBe(1);
  now += 500; // half a second buys one request at 2/s
  expect(limiter.take("a")).toBe(true);
  expect(limiter.take("a")).toBe(false);
});

test("a rate of 0 means no limit", () => {
  const limiter = new RateLimiter(0, 0);
  for (let i = 0; i < 1000; i++) expect(limiter.take("x")).toBe(true);
});
