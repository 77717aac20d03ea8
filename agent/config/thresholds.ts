// Every limit the preflight checks use, in one place, so a changed requirement is a one-line change here.

const GiB = 1024 ** 3;

export const THRESHOLDS = {
  cpu: {
    /** Logical CPUs (threads): what Kubernetes counts and schedules. */
    failBelowThreads: 2,
    warnBelowThreads: 4,
  },
  memory: {
    failBelowGiB: 4,
    warnBelowGiB: 8,
    /** Firmware and the kernel keep some RAM, so an "8 GB" machine reports about 7.6 GiB; allow for that. */
    reservedSlackGiB: 0.5,
  },
  disk: {
    /** Akash HomeNode asks for 100 GiB free where container images live (k3s containerd). */
    imagesMinFreeGiB: 100,
    /** The state dir holds keys, settings and results: small, but a full disk corrupts writes. */
    stateMinFreeGiB: 1,
  },
  kernel: { minMajor: 5, minMinor: 0 },
  /** Node's names for the CPU architectures we ship binaries for. */
  arch: ["x64", "arm64"] as readonly string[],
  nvidia: {
    /** Below this driver branch most CUDA 12 images do not start. */
    minDriverMajor: 535,
    /** nvidia-smi can hang for a long time on a GPU in a bad state. */
    smiTimeoutMs: 15_000,
  },
  /** Ports the k3s agent and tailscale bind on this machine. */
  ports: {
    tcp: [{ port: 10250, what: "the kubelet (Kubernetes node agent)", blocking: true }],
    udp: [
      { port: 8472, what: "flannel VXLAN (only used when the region runs flannel VXLAN)", blocking: false },
      { port: 41641, what: "tailscale's WireGuard (it picks another port when this one is busy)", blocking: false },
    ],
  },
  /** How long one helper command (timedatectl, chronyc) may take before we give up on it. */
  commandTimeoutMs: 5_000,
} as const;

export const GIB = GiB;
