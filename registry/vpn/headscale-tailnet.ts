import { DEVICE_TAG } from "./acl-policy.ts";
import { HeadscaleApi, HeadscaleError, type HeadscaleEndpoint } from "./headscale-api.ts";
import type { ServiceHealth, TailnetAdmin, TailnetAuthKey, TailnetAuthKeyStatus, TailnetNode } from "./tailnet-admin.ts";

// TailnetAdmin over Headscale v0.29's REST API. Keys are tag-owned (no Headscale user): v0.29 accepts a
// pre-auth key without a user when it carries tags (hscontrol/db/preauth_keys.go), and a tagged node
// belongs to no user, so there is no "akash-home" user to create or lose.

/** The longest a join key may live; the design wants minutes. */
export const MAX_AUTH_KEY_TTL_MS = 24 * 60 * 60 * 1000;

interface PreAuthKeyJson {
  id?: string;
  key?: string;
  reusable?: boolean;
  ephemeral?: boolean;
  used?: boolean;
  expiration?: string | null;
  aclTags?: string[] | null;
}

interface NodeJson {
  id?: string;
  name?: string;
  givenName?: string;
  ipAddresses?: string[] | null;
  online?: boolean;
  tags?: string[] | null;
  lastSeen?: string | null;
  createdAt?: string | null;
  availableRoutes?: string[] | null;
  approvedRoutes?: string[] | null;
}

export interface HeadscaleTailnetOptions extends HeadscaleEndpoint {
  /** Tags every device key carries; default [tag:akash-home]. Each must be declared in the policy's tagOwners. */
  deviceTags?: string[];
}

export class HeadscaleTailnet implements TailnetAdmin {
  private readonly api: HeadscaleApi;
  private readonly deviceTags: string[];

  constructor(options: HeadscaleTailnetOptions) {
    this.api = new HeadscaleApi(options);
    this.deviceTags = [...(options.deviceTags ?? [DEVICE_TAG])].sort();
    for (const tag of this.deviceTags) {
      // Headscale's own rule (grpcv1.go validateTag), checked here so a config typo fails at start-up.
      if (!/^tag:[a-z0-9][a-z0-9-]*$/.test(tag)) throw new RangeError(`${JSON.stringify(tag)} is not a tailnet tag: tags are "tag:" and lowercase letters, digits and dashes`);
    }
  }

  async mintAuthKey({ deviceId, ttlMs }: { deviceId: string; ttlMs: number }): Promise<TailnetAuthKey> {
    if (!Number.isFinite(ttlMs) || ttlMs < 1000 || ttlMs > MAX_AUTH_KEY_TTL_MS) {
      throw new RangeError(`a join key must live between 1 s and 24 h (asked for ${ttlMs} ms)`);
    }
    // Always send expiration: without one Headscale stores the zero time, and the key is born expired.
    const expiration = new Date(Date.now() + ttlMs).toISOString();
    const { preAuthKey } = await this.api.request<{ preAuthKey?: PreAuthKeyJson }>(`make a join key for device ${deviceId}`, "POST", "/api/v1/preauthkey", {
      reusable: false,
      ephemeral: false,
      expiration,
      aclTags: this.deviceTags,
    });
    if (!preAuthKey?.key || !preAuthKey.id) throw new HeadscaleError(`Headscale at ${this.api.url} answered a new key without its secret or id`, 200, "malformed answer");
    return { key: preAuthKey.key, keyId: String(preAuthKey.id), expiresAt: preAuthKey.expiration ?? expiration, tags: preAuthKey.aclTags ?? this.deviceTags };
  }

  async authKeyStatus(keyId: string): Promise<TailnetAuthKeyStatus | null> {
    const { preAuthKeys } = await this.api.request<{ preAuthKeys?: PreAuthKeyJson[] }>("list join keys", "GET", "/api/v1/preauthkey");
    const found = (preAuthKeys ?? []).find((k) => String(k.id) === keyId);
    if (!found) return null;
    return {
      keyId,
      tags: found.aclTags ?? [],
      reusable: found.reusable === true,
      ephemeral: found.ephemeral === true,
      used: found.used === true,
      expiresAt: found.expiration ?? null,
    };
  }

  async revokeAuthKey(keyId: string): Promise<boolean> {
    if (!/^\d+$/.test(keyId)) throw new RangeError(`${JSON.stringify(keyId)} is not a Headscale key id`);
    // Headscale answers OK to expiring a key it does not have, so look first.
    if ((await this.authKeyStatus(keyId)) === null) return false;
    try {
      await this.api.request("expire a join key", "POST", "/api/v1/preauthkey/expire", { id: keyId });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  async findNode(deviceId: string): Promise<TailnetNode | null> {
    const nodes = await this.nodesOf(deviceId);
    return nodes[0] ?? null;
  }

  async approveRoutes(deviceId: string, routes: readonly string[]): Promise<TailnetNode> {
    const node = await this.findNode(deviceId);
    if (!node) throw new HeadscaleError(`device ${deviceId} has no tailnet node to approve routes for: it has not joined yet`, 404, "node not found");
    const { node: updated } = await this.api.request<{ node?: NodeJson }>(`approve routes of device ${deviceId}`, "POST", `/api/v1/node/${node.id}/approve_routes`, { routes: [...routes] });
    return updated ? toNode(updated) : node;
  }

  async removeNode(deviceId: string): Promise<boolean> {
    const nodes = await this.nodesOf(deviceId);
    let removed = false;
    for (const node of nodes) {
      try {
        // Expire first: a node that is only deleted can keep its session until it next talks to Headscale.
        await this.api.request(`expire the tailnet node of device ${deviceId}`, "POST", `/api/v1/node/${node.id}/expire`);
        await this.api.request(`delete the tailnet node of device ${deviceId}`, "DELETE", `/api/v1/node/${node.id}`);
        removed = true;
      } catch (err) {
        if (!isNotFound(err)) throw err; // removed meanwhile by someone else: fine
      }
    }
    return removed;
  }

  /** listNodes is every node on the tailnet, the region's own machines included (the admin portal counts the ingress ones by tag). */
  async listNodes(): Promise<TailnetNode[]> {
    const { nodes } = await this.api.request<{ nodes?: NodeJson[] }>("list tailnet nodes", "GET", "/api/v1/node");
    return (nodes ?? []).map(toNode);
  }

  async health(): Promise<ServiceHealth> {
    const started = performance.now();
    try {
      const answer = await this.api.request<{ databaseConnectivity?: boolean }>("check its health", "GET", "/api/v1/health");
      const ok = answer.databaseConnectivity === true;
      return { ok, message: ok ? "ok" : `Headscale at ${this.api.url} cannot reach its database; see Headscale's log`, latencyMs: performance.now() - started };
    } catch (err) {
      return { ok: false, message: (err as Error).message, latencyMs: performance.now() - started };
    }
  }

  /** checkPolicy asks Headscale whether it would accept this policy, without applying it. */
  async checkPolicy(policy: string): Promise<void> {
    await this.api.request("check an ACL policy", "POST", "/api/v1/policy/check", { policy });
  }

  /** setPolicy replaces the tailnet's ACL policy (Headscale must run with policy.mode: database). */
  async setPolicy(policy: string): Promise<void> {
    await this.api.request("set the ACL policy", "PUT", "/api/v1/policy", { policy });
  }

  /** nodesOf lists the device's nodes, the one to trust first: online, then the most recently seen. */
  private async nodesOf(deviceId: string): Promise<TailnetNode[]> {
    return (await this.listNodes())
      .filter((n) => n.givenName === deviceId || n.name === deviceId)
      .sort((a, b) => Number(b.online) - Number(a.online) || (b.lastSeen ?? "").localeCompare(a.lastSeen ?? ""));
  }
}

function toNode(n: NodeJson): TailnetNode {
  const ips = n.ipAddresses ?? [];
  return {
    id: String(n.id ?? ""),
    name: n.name ?? "",
    givenName: n.givenName ?? n.name ?? "",
    ipv4: ips.find((ip) => ip.includes(".")) ?? null,
    ipv6: ips.find((ip) => ip.includes(":")) ?? null,
    online: n.online === true,
    tags: n.tags ?? [],
    lastSeen: validTime(n.lastSeen),
    availableRoutes: n.availableRoutes ?? [],
    approvedRoutes: n.approvedRoutes ?? [],
  };
}

/** validTime drops the zero timestamps protobuf renders for "never" (0001-01-01T00:00:00Z). */
function validTime(t: string | null | undefined): string | null {
  if (!t || t.startsWith("0001-")) return null;
  return t;
}

function isNotFound(err: unknown): boolean {
  return err instanceof HeadscaleError && (err.status === 404 || /not found/i.test(err.detail));
}
