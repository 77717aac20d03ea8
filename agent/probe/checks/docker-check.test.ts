import { expect, test } from "bun:test";
import { dockerCheck } from "./docker-check.ts";

test("no Docker passes: it is optional", () => {
  expect(dockerCheck(null, true)).toMatchObject({ id: "docker", status: "pass", blocking: false });
});

test("Docker without the NVIDIA runtime warns only when there is an NVIDIA GPU", () => {
  const docker = { running: true, version: "27.3.1", nvidiaRuntime: false, error: null };
  expect(dockerCheck(docker, false).status).toBe("pass");
  const c = dockerCheck(docker, true);
  expect(c.status).toBe("warn");
  expect(c.fix).toContain("nvidia-ctk runtime configure --runtime=docker");
  expect(dockerCheck({ ...docker, nvidiaRuntime: true }, true).message).toBe("Docker 27.3.1 is running with the NVIDIA runtime.");
});

test("a socket nobody answers on warns with the error", () => {
  const c = dockerCheck({ running: false, version: null, nvidiaRuntime: false, error: "connect ECONNREFUSED" }, false);
  expect(c.status).toBe("warn");
  expect(c.message).toContain("ECONNREFUSED");
});
