export { BUILD } from "../protocol/build.ts";

/** isCompiledBinary says whether this is the `bun build --compile` binary rather than a source run. */
export function isCompiledBinary(): boolean {
  // Compiled binaries load their modules from Bun's embedded file system.
  return Bun.main.startsWith("/$bunfs/") || Bun.main.startsWith("B:/~BUN/");
}
