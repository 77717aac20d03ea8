import type { Check } from "../../../protocol/checks.ts";
import type { DockerInfo } from "../../../protocol/hardware.ts";
import { checkOf } from "./check-builder.ts";

/** docker: optional (k3s brings containerd); with NVIDIA GPUs the runtime decides whether containers see them. */
export function dockerCheck(docker: DockerInfo | null, hasNvidiaGpu: boolean): Check {
  const c = checkOf("docker", "Docker", false);
  if (docker === null) return c.pass("No Docker engine here; none is needed (k3s brings its own container runtime).");
  if (!docker.running) return c.warn(`A Docker socket exists but Docker did not answer: ${docker.error ?? "unknown error"}.`, "Start Docker (sudo systemctl start docker) or run as root; Docker is optional, so this can also be ignored.");
  const version = `Docker ${docker.version ?? "(unknown version)"} is running`;
  if (hasNvidiaGpu && !docker.nvidiaRuntime) {
    return c.warn(`${version} without the NVIDIA runtime, so containers it starts cannot use the GPU.`, "Install the NVIDIA Container Toolkit, then: sudo nvidia-ctk runtime configure --runtime=docker && sudo systemctl restart docker");
  }
  return c.pass(`${version}${docker.nvidiaRuntime ? " with the NVIDIA runtime" : ""}.`);
}
