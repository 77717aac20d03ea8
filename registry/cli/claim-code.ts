import { AccountsService } from "../accounts/service.ts";
import { SqlAccountsRepo } from "../accounts/sql-accounts-repo.ts";
import { parseRegistryFlags } from "../flags.ts";
import { openStore } from "../store/open-store.ts";

// `akash-home registry claim-code --owner akash1…`: an operator makes a claim code for an owner straight
// in the store, without the owner portal (first devices of a new region, the local demo, scripts).

export const CLAIM_CODE_HELP = `akash-home registry claim-code: make a claim code for an owner

Usage: akash-home registry claim-code --owner akash1… [--label TEXT] [--db URL | --state-dir DIR] [--public-url URL]

Prints the code and the install command that uses it. The code is single-use and expires in 24 hours.
`;

export async function runClaimCode(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // --owner and --label are this command's; everything else is the registry's own flags (--db, --state-dir…).
  const values: Record<string, string | boolean | undefined> = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--(owner|label)(?:=(.*))?$/.exec(arg);
    if (m) values[m[1]!] = m[2] ?? argv[++i];
    else if (arg === "--help" || arg === "-h") values.help = true;
    else rest.push(arg);
  }
  if (values.help) {
    process.stdout.write(CLAIM_CODE_HELP);
    return 0;
  }
  if (typeof values.owner !== "string") {
    process.stderr.write("error: --owner akash1… is required (the Akash address the device will belong to)\n");
    return 2;
  }
  let flags;
  try {
    flags = parseRegistryFlags(rest, env);
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 2;
  }
  const store = await openStore(flags.db);
  try {
    const accounts = new AccountsService(new SqlAccountsRepo(store.driver), {
      registryHost: new URL(flags.publicUrl).host,
      installCommand: (code) => `curl -fsSL ${flags.publicUrl}/install.sh | AKASH_HOME_CLAIM=${code} sh -s -- --registry ${flags.publicUrl}`,
    });
    const code = await accounts.createClaimCode(values.owner, typeof values.label === "string" ? values.label : null);
    process.stdout.write(`claim code: ${code.code} (for ${values.owner}, expires ${code.expiresAt})\ninstall:    ${code.installCommand}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await store.driver.close();
  }
}
