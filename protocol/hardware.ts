import * as v from "valibot";

/** GpuVendor names the vendors we recognise; only NVIDIA is supported for workloads today. */
export const GpuVendor = v.picklist(["nvidia", "amd", "intel", "other"]);
export type GpuVendor = v.InferOutput<typeof GpuVendor>;

/** Gpu is one detected GPU. akashModel is the Akash provider GPU name (e.g. "rtx4090") or null when unknown. */
export const Gpu = v.object({
  index: v.number(),
  vendor: GpuVendor,
  name: v.string(),
  /** PCI vendor:device in lowercase hex, e.g. "10de:2684". */
  pciId: v.string(),
  busId: v.nullable(v.string()),
  uuid: v.nullable(v.string()),
  akashModel: v.nullable(v.string()),
  /** Memory the GPU can use, in MiB. For unified-memory parts (DGX Spark GB10) this is the system memory. */
  vramMiB: v.number(),
  unifiedMemory: v.boolean(),
  /** Akash's memory label value, e.g. "24Gi". */
  akashMemory: v.nullable(v.string()),
  /** Akash's interface label value: "pcie" or "sxm". */
  akashInterface: v.nullable(v.picklist(["pcie", "sxm"])),
  driverVersion: v.nullable(v.string()),
  cudaVersion: v.nullable(v.string()),
  supported: v.boolean(),
  /** Why the GPU cannot be offered, when supported is false. */
  unsupportedReason: v.nullable(v.string()),
});
export type Gpu = v.InferOutput<typeof Gpu>;

/** Disk is the filesystem behind a path the agent needs (state dir, container images). */
export const Disk = v.object({
  purpose: v.picklist(["state", "images"]),
  path: v.string(),
  mount: v.string(),
  fsType: v.string(),
  totalBytes: v.number(),
  freeBytes: v.number(),
});
export type Disk = v.InferOutput<typeof Disk>;

/** DockerInfo reports a running Docker engine, which GPU workloads and the container GPU benchmark use. */
export const DockerInfo = v.object({
  running: v.boolean(),
  version: v.nullable(v.string()),
  nvidiaRuntime: v.boolean(),
  error: v.nullable(v.string()),
});
export type DockerInfo = v.InferOutput<typeof DockerInfo>;

/** Hardware is what the probe found on this machine. */
export const Hardware = v.object({
  machineId: v.nullable(v.string()),
  hostname: v.string(),
  cpu: v.object({
    vendor: v.string(),
    model: v.string(),
    arch: v.string(),
    cores: v.number(),
    threads: v.number(),
    speedGHz: v.nullable(v.number()),
    flags: v.array(v.string()),
  }),
  memory: v.object({
    totalBytes: v.number(),
    availableBytes: v.number(),
    swapTotalBytes: v.number(),
  }),
  disks: v.array(Disk),
  os: v.object({
    platform: v.string(),
    distro: v.string(),
    release: v.string(),
    kernel: v.string(),
    arch: v.string(),
  }),
  virtualization: v.object({
    virtual: v.boolean(),
    kind: v.nullable(v.string()),
  }),
  gpus: v.array(Gpu),
  docker: v.nullable(DockerInfo),
});
export type Hardware = v.InferOutput<typeof Hardware>;
