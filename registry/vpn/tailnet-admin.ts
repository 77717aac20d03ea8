// registry/vpn: the registry's side of a region's tailnet: minting per-device pre-auth keys, finding and
// removing a device's tailnet node, approving its pod route, and the ACL policy a region's Headscale runs.
// This file is the port the devices domain depends on; headscale-tailnet.ts is the one adapter (Headscale's
// REST API). Imports nothing from other registry domains, no HTTP framework, no store.

/** TailnetAuthKey is a pre-auth key made for one device: single use, tagged, expiring in minutes. */
export interface TailnetAuthKey {
  /** The secret the device passes to `tailscale up --auth-key`. Never log it. */
  key: string;
  /** Headscale's id of the key, to expire it if the device never uses it. */
  keyId: string;
  /** RFC 3339. */
  expiresAt: string;
  tags: string[];
}

/** TailnetAuthKeyStatus is what the control server says about a key, without its secret. */
export interface TailnetAuthKeyStatus {
  keyId: string;
  tags: string[];
  reusable: boolean;
  ephemeral: boolean;
  /** True once a node registered with it. */
  used: boolean;
  expiresAt: string | null;
}

/** TailnetNode is a device's node on the tailnet, as the control server sees it. */
export interface TailnetNode {
  id: string;
  /** The hostname the device registered with (the device id). */
  name: string;
  /** The name peers know it by; equals name unless two nodes asked for the same one. */
  givenName: string;
  ipv4: string | null;
  ipv6: string | null;
  online: boolean;
  tags: string[];
  /** RFC 3339, or null when the node was never seen. */
  lastSeen: string | null;
  /** Subnet routes the node announces (its pod CIDR once k3s runs) and those approved. */
  availableRoutes: string[];
  approvedRoutes: string[];
}

/** ServiceHealth is one dependency's state, for the registry's health and admin pages. */
export interface ServiceHealth {
  ok: boolean;
  /** What is wrong and what to do, or a short "ok" line. */
  message: string;
  latencyMs: number;
}

/**
 * TailnetAdmin is what the registry does on a region's tailnet. Every method speaks of devices by id:
 * a device registers its tailnet node with `--hostname <deviceId>`.
 */
export interface TailnetAdmin {
  /** mintAuthKey makes a single-use, non-ephemeral pre-auth key tagged as a home device, expiring after ttlMs. */
  mintAuthKey(request: { deviceId: string; ttlMs: number }): Promise<TailnetAuthKey>;
  /** authKeyStatus says whether a key was used; null when the control server does not know it. */
  authKeyStatus(keyId: string): Promise<TailnetAuthKeyStatus | null>;
  /** revokeAuthKey expires a key so it can no longer join anything; false when it was unknown. */
  revokeAuthKey(keyId: string): Promise<boolean>;
  /** findNode is the device's tailnet node, or null when it has none. */
  findNode(deviceId: string): Promise<TailnetNode | null>;
  /** approveRoutes makes these routes (the device's own pod CIDR) its only approved ones, replacing earlier approvals. */
  approveRoutes(deviceId: string, routes: readonly string[]): Promise<TailnetNode>;
  /** removeNode expires then deletes every tailnet node of the device; false when there was none. */
  removeNode(deviceId: string): Promise<boolean>;
  health(): Promise<ServiceHealth>;
}
