import { createHash } from "node:crypto";

// A lease's identity and how the Akash provider names its Kubernetes objects. The provider puts each
// lease in its own namespace named after a hash of the lease id (akash-network/provider,
// cluster/util/lease_id_to_namespace.go):
//   sha := sha256.Sum224([]byte(lid.String()))   // "owner/dseq/gseq/oseq/provider"; bseq is not part of it
//   strings.ToLower(base32.HexEncoding.WithPadding(base32.NoPadding).EncodeToString(sha[:]))
// and labels that namespace with akash.network/lease.id.{owner,dseq,gseq,oseq,provider}
// (cluster/kube/builder/builder.go, AppendLeaseLabels). Pods do not carry the lease labels; their
// namespace does. Rewards find a lease's pods by the namespace name and check it against the labels.

/** LeaseId is an Akash market lease id. dseq is a decimal string: it is a uint64 on chain. */
export interface LeaseId {
  owner: string;
  dseq: string;
  gseq: number;
  oseq: number;
  provider: string;
}

export const LEASE_LABELS = {
  owner: "akash.network/lease.id.owner",
  dseq: "akash.network/lease.id.dseq",
  gseq: "akash.network/lease.id.gseq",
  oseq: "akash.network/lease.id.oseq",
  provider: "akash.network/lease.id.provider",
} as const;

/** AKASH_MANAGED_LABEL marks every object the provider manages ("true"). */
export const AKASH_MANAGED_LABEL = "akash.network";

/** leaseKey is the lease id as the provider's LeaseID.String() writes it: owner/dseq/gseq/oseq/provider. */
export function leaseKey(id: LeaseId): string {
  return `${id.owner}/${id.dseq}/${id.gseq}/${id.oseq}/${id.provider}`;
}

const BASE32_HEX = "0123456789abcdefghijklmnopqrstuv";

/** base32HexNoPad is RFC 4648 base32 with the extended-hex alphabet, lower case, without padding (Go's base32.HexEncoding.WithPadding(NoPadding), lowered). */
function base32HexNoPad(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = ((value << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_HEX[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32_HEX[(value << (5 - bits)) & 31];
  return out;
}

/** leaseNamespace is the Kubernetes namespace the Akash provider creates for a lease (45 characters). */
export function leaseNamespace(id: LeaseId): string {
  return base32HexNoPad(createHash("sha224").update(leaseKey(id)).digest());
}

/** leaseLabels are the labels the provider puts on a lease's namespace. */
export function leaseLabels(id: LeaseId): Record<string, string> {
  return {
    [AKASH_MANAGED_LABEL]: "true",
    [LEASE_LABELS.owner]: id.owner,
    [LEASE_LABELS.dseq]: id.dseq,
    [LEASE_LABELS.gseq]: String(id.gseq),
    [LEASE_LABELS.oseq]: String(id.oseq),
    [LEASE_LABELS.provider]: id.provider,
  };
}

/** leaseIdFromLabels recovers a lease id from a namespace's labels (the provider's RecoverLeaseIDFromLabels), or null. */
export function leaseIdFromLabels(labels: Readonly<Record<string, string>> | undefined): LeaseId | null {
  if (!labels) return null;
  const owner = labels[LEASE_LABELS.owner];
  const dseq = labels[LEASE_LABELS.dseq];
  const gseq = labels[LEASE_LABELS.gseq];
  const oseq = labels[LEASE_LABELS.oseq];
  const provider = labels[LEASE_LABELS.provider];
  if (!owner || !provider || !dseq || !gseq || !oseq) return null;
  if (!/^\d+$/.test(dseq) || !/^\d+$/.test(gseq) || !/^\d+$/.test(oseq)) return null;
  return { owner, dseq, gseq: Number(gseq), oseq: Number(oseq), provider };
}
