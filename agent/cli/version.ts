import { jsonFlag } from "../config/common-flags.ts";
import { PROTOCOL_VERSION } from "../../protocol/index.ts";
import { BUILD } from "../build-info.ts";
import { EXIT, type Command } from "./command.ts";

export const versionCommand: Command = {
  name: "version",
  summary: "print the version",
  usage: "akash-home version [--json]",
  flags: [jsonFlag],
  async run({ values, io }) {
    const info = { version: BUILD.version, commit: BUILD.commit, protocolVersion: PROTOCOL_VERSION, os: process.platform, arch: process.arch, bun: Bun.version };
    io.out(values.json ? JSON.stringify(info) + "\n" : `akash-home ${info.version} (commit ${info.commit}, ${info.os}/${info.arch}, protocol ${info.protocolVersion})\n`);
    return EXIT.ok;
  },
};
