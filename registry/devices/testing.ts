// Test fixtures for the devices domain: a device key that signs like the agent's, and check-in bodies.
import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { PROTOCOL_VERSION, deviceIdFromKeyDigest, type CheckInRequest, type Hardware } from "../../protocol/index.ts";

export interface TestDeviceKey {
  id: string;
  publicKey: string;
  privateKey: KeyObject;
  sign(data: Uint8Array): Promise<Uint8Array>;
}

export function testDeviceKey(): TestDeviceKey {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(12);
  return {
    id: deviceIdFromKeyDigest(createHash("sha256").update(raw).digest()),
    publicKey: Buffer.from(raw).toString("base64url"),
    privateKey,
    sign: async (data) => new Uint8Array(sign(null, data, privateKey)),
  };
}

export function testHardware(over: { cores?: number; memoryGiB?: number } = {}): Hardware {
  return {
    machineId: null,
    hostname: "box",
    cpu: { vendor: "AMD", model: "Ryzen 9 7950X", arch: "x64", cores: over.cores ?? 16, threads: (over.cores ?? 16) * 2, speedGHz: 4.5, flags: ["avx2"] },
    memory: { totalBytes: (over.memoryGiB ?? 64) * 2 ** 30, availableBytes: 2 ** 34, swapTotalBytes: 0 },
    disks: [],
    os: { platform: "linux", distro: "Debian", release: "12", kernel: "6.1.0", arch: "x64" },
    virtualization: { virtual: false, kind: null },
    gpus: [],
    docker: { running: false, version: null, nvidiaRuntime: false, error: null },
  };
}

export function machineHash(name: string): string {
  return createHash("sha256").update(`machine:${name}`).digest("hex");
}

export function checkInBody(over: Partial<CheckInRequest> & { machine?: string } = {}): CheckInRequest {
  const { machine, ...rest } = over;
  return {
    protocolVersion: PROTOCOL_VERSION,
    claimCode: "CODE-0001",
    machineIdHash: machineHash(machine ?? "m1"),
    hostname: "box",
    agentVersion: "1.0.0",
    hardware: testHardware(),
    bench: null,
    rtts: [{ regionId: "r1", rttMs: 20, error: null }],
    share: null,
    regionChoice: "auto",
    ...rest,
  };
}
