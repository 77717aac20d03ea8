// An owner as the tests see one: a fresh cosmjs wallet (as Keplr holds), signed in to a registry with an
// ADR-36 signature, holding the session cookie, making claim codes.
import { Secp256k1HdWallet } from "@cosmjs/amino";
import { OWNER_SESSION_COOKIE, REGISTRY_API, type ClaimCode } from "../../protocol/index.ts";
import { makeAdr36SignDoc } from "../../registry/accounts/adr36.ts";

export interface TestOwner {
  address: string;
  cookie: string;
  /** call sends a request as this owner. */
  call(method: string, path: string, body?: unknown): Promise<Response>;
  claimCode(label?: string): Promise<string>;
}

export async function signInOwner(registryUrl: string): Promise<TestOwner> {
  const wallet = await Secp256k1HdWallet.generate(12, { prefix: "akash" });
  const [account] = await wallet.getAccounts();
  const address = account!.address;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(registryUrl + path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  const challenge = (await (await post(REGISTRY_API.authChallenge, { address })).json()) as { message: string };
  const { signature } = await wallet.signAmino(address, makeAdr36SignDoc(address, challenge.message));
  const res = await post(REGISTRY_API.authVerify, { address, message: challenge.message, signature });
  if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const setCookie = res.headers.get("set-cookie") ?? "";
  const cookie = setCookie.split(";")[0]!;
  if (!cookie.startsWith(`${OWNER_SESSION_COOKIE}=`)) throw new Error(`no session cookie in ${setCookie}`);
  const call = (method: string, path: string, body?: unknown) =>
    fetch(registryUrl + path, { method, headers: { cookie, ...(body === undefined ? {} : { "content-type": "application/json" }) }, body: body === undefined ? undefined : JSON.stringify(body) });
  return {
    address,
    cookie,
    call,
    async claimCode(label) {
      const r = await call("POST", REGISTRY_API.claimCodes, label ? { label } : {});
      if (!r.ok) throw new Error(`claim code: ${r.status} ${await r.text()}`);
      return ((await r.json()) as ClaimCode).code;
    },
  };
}
