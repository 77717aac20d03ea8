import { expect, test } from "bun:test";
import { leaseIdFromLabels, leaseKey, leaseLabels, leaseNamespace } from "./lease-id.ts";

const LEASE = { owner: "akash102kdwsssl6jf4frdcz50mua6j0h6d8wdhjh7nq", dseq: "25880666", gseq: 1, oseq: 1, provider: "akash19zzh7whjt4vfwxd5wtj3tjtyatnpntfhldshd8" };

test("the namespace is the provider's: base32hex of SHA-224 of owner/dseq/gseq/oseq/provider, lower case, no padding", () => {
  expect(leaseKey(LEASE)).toBe("akash102kdwsssl6jf4frdcz50mua6j0h6d8wdhjh7nq/25880666/1/1/akash19zzh7whjt4vfwxd5wtj3tjtyatnpntfhldshd8");
  // Computed independently with Python: base64.b32hexencode(hashlib.sha224(key).digest()).rstrip("=").lower()
  expect(leaseNamespace(LEASE)).toBe("5ca215s9pfbc3o22mgecavkpfkecibh7pj00aqrbjkv8k");
  expect(leaseNamespace({ owner: "a", dseq: "1", gseq: 1, oseq: 1, provider: "p" })).toBe("uv1d3c8afkg6d2h828ctrtjdcrvkc2ors7grg4orenn60");
  // A DNS label Kubernetes accepts as a namespace name.
  expect(leaseNamespace(LEASE)).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
  expect(leaseNamespace({ ...LEASE, oseq: 2 })).not.toBe(leaseNamespace(LEASE));
});

test("the lease labels give the lease id back; incomplete or malformed labels give nothing", () => {
  const labels = leaseLabels(LEASE);
  expect(labels["akash.network/lease.id.dseq"]).toBe("25880666");
  expect(leaseIdFromLabels(labels)).toEqual(LEASE);
  expect(leaseIdFromLabels({ ...labels, "akash.network/lease.id.gseq": "x" })).toBeNull();
  const { ["akash.network/lease.id.provider"]: _, ...noProvider } = labels;
  expect(leaseIdFromLabels(noProvider)).toBeNull();
  expect(leaseIdFromLabels(undefined)).toBeNull();
});
