import * as v from "valibot";
import {
  AuthChallenge,
  AuthChallengeRequest,
  AuthVerifyRequest,
  ClaimCode,
  ClaimCodeList,
  CreateClaimCodeRequest,
  OWNER_SESSION_COOKIE,
  OperatorOffer,
  OperatorOfferList,
  OwnerDeviceList,
  OwnerSession,
  PayoutAddress,
  REGISTRY_API,
  SetPayoutAddressRequest,
} from "../../protocol/index.ts";
import type { AccountsService } from "../accounts/service.ts";
import type { DevicesService } from "../devices/service.ts";
import { jsonResponse } from "./dispatcher.ts";
import { route, type RouteDef } from "./route.ts";

export interface OwnerRouteDeps {
  accounts: AccountsService;
  devices: DevicesService;
  /** Cookies get Secure when the registry is served over https. */
  secureCookies: boolean;
}

function sessionCookie(token: string, maxAgeS: number, secure: boolean): string {
  // Lax, not Strict: an owner following a link to the portal from elsewhere should arrive signed in;
  // state-changing requests are guarded against other sites by the dispatcher.
  return `${OWNER_SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeS}${secure ? "; Secure" : ""}`;
}

const SignedOut = v.object({ signedOut: v.boolean() });

export function ownerRoutes(d: OwnerRouteDeps): RouteDef[] {
  return [
    route({
      method: "POST",
      path: REGISTRY_API.authChallenge,
      summary: "Get a sign-in message to sign with an Akash wallet (ADR-36, as Keplr and Leap signArbitrary)",
      tag: "owners",
      auth: "none",
      limit: "ip",
      body: AuthChallengeRequest,
      response: AuthChallenge,
      handler: ({ body }) => d.accounts.createChallenge(body.address),
    }),
    route({
      method: "POST",
      path: REGISTRY_API.authVerify,
      summary: "Send the signed message; a session cookie answers",
      tag: "owners",
      auth: "none",
      limit: "ip",
      body: AuthVerifyRequest,
      response: OwnerSession,
      handler: async ({ body }) => {
        const { token, session } = await d.accounts.verifySignIn(body);
        const maxAge = Math.max(0, Math.floor((Date.parse(session.expiresAt) - Date.now()) / 1000));
        return jsonResponse(200, session, { "set-cookie": sessionCookie(token, maxAge, d.secureCookies) });
      },
    }),
    route({
      method: "POST",
      path: REGISTRY_API.authSignOut,
      summary: "End the owner's session",
      tag: "owners",
      auth: "owner",
      limit: "ip",
      response: SignedOut,
      handler: async ({ auth }) => {
        await d.accounts.signOut(auth.ownerToken!);
        return jsonResponse(200, { signedOut: true }, { "set-cookie": sessionCookie("", 0, d.secureCookies) });
      },
    }),
    route({
      method: "GET",
      path: REGISTRY_API.ownerSession,
      summary: "Who is signed in, until when, with which operator roles",
      tag: "owners",
      auth: "owner",
      limit: "ip",
      response: OwnerSession,
      handler: ({ auth }) => auth.owner!,
    }),
    route({
      method: "POST",
      path: REGISTRY_API.claimCodes,
      summary: "Make a single-use claim code that binds the next device to this owner",
      tag: "owners",
      auth: "owner",
      limit: "ip",
      body: CreateClaimCodeRequest,
      response: ClaimCode,
      handler: ({ body, auth }) => d.accounts.createClaimCode(auth.owner!.address, body.label ?? null),
    }),
    route({
      method: "GET",
      path: REGISTRY_API.claimCodes,
      summary: "This owner's claim codes, newest first",
      tag: "owners",
      auth: "owner",
      limit: "ip",
      response: ClaimCodeList,
      handler: async ({ auth }) => ({ claimCodes: await d.accounts.listClaimCodes(auth.owner!.address) }),
    }),
    route({
      method: "GET",
      path: REGISTRY_API.ownerDevices,
      summary: "This owner's devices with the registry's view of each",
      tag: "owners",
      auth: "owner",
      limit: "ip",
      response: OwnerDeviceList,
      handler: async ({ auth }) => ({ devices: await d.devices.ownerDevices(auth.owner!.address) }),
    }),
    route({
      method: "GET",
      path: REGISTRY_API.ownerPayoutAddress,
      summary: "Where this owner's payouts go: the address they set, or the one they sign in with",
      tag: "owners",
      auth: "owner",
      limit: "ip",
      response: PayoutAddress,
      handler: ({ auth }) => d.accounts.payoutAddress(auth.owner!.address),
    }),
    route({
      method: "POST",
      path: REGISTRY_API.ownerPayoutAddress,
      summary: "Pay this owner at another Akash address from the next payout batch on; an empty address pays their own again",
      tag: "owners",
      auth: "owner",
      limit: "ip",
      body: SetPayoutAddressRequest,
      response: PayoutAddress,
      handler: ({ body, auth }) => d.accounts.setPayoutAddress(auth.owner!.address, body.address),
    }),
    route({
      method: "GET",
      path: REGISTRY_API.operatorOffers,
      summary: "Offers to run a new region as its operator (first user bootstraps)",
      tag: "owners",
      auth: "owner",
      limit: "ip",
      response: OperatorOfferList,
      handler: async ({ auth }) => ({ offers: await d.accounts.listOperatorOffers(auth.owner!.address) }),
    }),
    route({
      method: "POST",
      path: `${REGISTRY_API.operatorOffers}/:id/accept`,
      summary: "Accept an operator offer: become the region's operator",
      tag: "owners",
      auth: "owner",
      limit: "ip",
      response: OperatorOffer,
      handler: ({ auth, params }) => d.accounts.acceptOperatorOffer(auth.owner!.address, params.id!),
    }),
    route({
      method: "POST",
      path: `${REGISTRY_API.operatorOffers}/:id/decline`,
      summary: "Decline an operator offer",
      tag: "owners",
      auth: "owner",
      limit: "ip",
      response: OperatorOffer,
      handler: ({ auth, params }) => d.accounts.declineOperatorOffer(auth.owner!.address, params.id!),
    }),
  ];
}
