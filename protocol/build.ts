// Version and commit are stamped in by scripts/build with --define; a source run says "dev". Both roles of
// the binary (agent and registry) report the same BUILD.
declare const AKASH_HOME_VERSION: string | undefined;
declare const AKASH_HOME_COMMIT: string | undefined;

/** BUILD is the version and commit of this binary. */
export const BUILD = {
  version: typeof AKASH_HOME_VERSION === "string" ? AKASH_HOME_VERSION : "0.0.0-dev",
  commit: typeof AKASH_HOME_COMMIT === "string" ? AKASH_HOME_COMMIT : "dev",
} as const;
