// An owner as the tests see one: a fresh cosmjs wallet (as Keplr holds), signed in to a registry with an
// ADR-36 signature, holding the session cookie, making claim codes.
import { Secp256k1HdWallet } from "@cosmjs/amino";
import { OWNER_SESSION_COOKIE, REGISTRY_API, type ClaimCode } from "../../protocol/index.ts";
import { makeAdr36SignDoc } from "../../registry/accounts/adr36.ts";

export interface TestOwner {
  address: string;
  cookie: string;
  /** call sends a request as this owner; headers are added to (or override) the cookie and content type. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  claimCode(label?: string): Promise<string>;
}

/** OwnerWallet is a wallet made before the registry starts, so its address can go into the config (admins). */
export interface OwnerWallet {
  wallet: Secp256k1HdWallet;
  address: string;
}

export async function newOwnerWallet(): Promise<OwnerWallet> {
  const wallet = await Secp256k1HdWallet.generate(12, { prefix: "akash" });
  const [account] = await wallet.getAccounts();
  return { wallet, address: account!.address };
}

/** signInOwner signs in with a fresh wallet, or with the one given (e.g. an operator named in the config). */
export async function signInOwner(registryUrl: string, premade?: OwnerWallet): Promise<TestOwner> {
  const { wallet, address } = premade ?? (await newOwnerWallet());
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(registryUrl + path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  const challenge = (await (await post(REGISTRY_API.authChallenge, { address })).json()) as { message: string };
  const { signature } = await wallet.signAmino(address, makeAdr36SignDoc(address, challenge.message));
  const res = await post(REGISTRY_API.authVerify, { address, message: challenge.message, signature });
  if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const setCookie = res.headers.get("set-cookie") ?? "";
  const cookie = setCookie.split(";")[0]!;
  if (!cookie.startsWith(`${OWNER_SESSION_COOKIE}=`)) throw new Error(`no session cookie in ${setCookie}`);
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(registryUrl + path, {
      method,
      headers: { cookie, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
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
