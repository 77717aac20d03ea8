import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { errorResponse } from "./dispatcher.ts";

// Serves the agent binaries, their SHA256SUMS and install.sh, so `curl -fsSL <registry>/install.sh | sh`
// works against this registry alone. The folder is the output of ./scripts/build (dist/).

const FILE_NAME = /^(akash-home-linux-(x64|arm64)(\.xz|\.zst)?|SHA256SUMS)$/;

export class Downloads {
  constructor(
    private readonly dir: string | null,
    private readonly installScript: string,
    private readonly publicUrl: string,
  ) {}

  /** available lists the files offered, for the health report and the log at start. */
  available(): string[] {
    if (!this.dir || !existsSync(this.dir)) return [];
    return readdirSync(this.dir).filter((f) => FILE_NAME.test(f));
  }

  /** script is install.sh with this registry's download address filled in. */
  script(): Response {
    const url = `${this.publicUrl.replace(/\/+$/, "")}/downloads`;
    const text = this.installScript.replace(/^DEFAULT_DOWNLOAD_URL=''$/m, `DEFAULT_DOWNLOAD_URL='${url.replace(/'/g, "")}'`);
    return new Response(text, { headers: { "content-type": "text/x-shellscript; charset=utf-8", "cache-control": "no-cache" } });
  }

  file(name: string): Response {
    if (!FILE_NAME.test(name)) return errorResponse(404, "not_found", `no download named ${JSON.stringify(name.slice(0, 80))}`, "see /downloads/SHA256SUMS for what this registry offers");
    if (!this.dir) return errorResponse(404, "no_downloads", "this registry serves no agent downloads", "start the registry with --downloads <folder of ./scripts/build output>");
    const path = join(this.dir, name);
    if (!existsSync(path) || !statSync(path).isFile()) return errorResponse(404, "not_found", `${name} is not offered by this registry`, "see /downloads/SHA256SUMS for what it offers");
    const type = name === "SHA256SUMS" ? "text/plain; charset=utf-8" : "application/octet-stream";
    return new Response(Bun.file(path), { headers: { "content-type": type, "cache-control": name === "SHA256SUMS" ? "no-cache" : "public, max-age=300" } });
  }
}
