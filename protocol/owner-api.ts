import * as v from "valibot";
import { DeviceView } from "./device-state.ts";

/** AkashAddress is a bech32 account address with the akash prefix; the registry checks the checksum. */
export const AkashAddress = v.pipe(v.string(), v.trim(), v.regex(/^akash1[02-9ac-hj-np-z]{38,58}$/, "an Akash address looks like akash1… (bech32)"));

/** AuthChallengeRequest asks for a text to sign with the wallet of address. */
export const AuthChallengeRequest = v.object({ address: AkashAddress });
export type AuthChallengeRequest = v.InferOutput<typeof AuthChallengeRequest>;

/** AuthChallenge is the text to sign ADR-36 style (Keplr/Leap signArbitrary) and when it stops being accepted. */
export const AuthChallenge = v.object({ address: v.string(), message: v.string(), expiresAt: v.string() });
export type AuthChallenge = v.InferOutput<typeof AuthChallenge>;

/** StdSignature is what Keplr's and Leap's signArbitrary return (Amino JSON). */
export const StdSignature = v.object({
  pub_key: v.object({ type: v.literal("tendermint/PubKeySecp256k1"), value: v.pipe(v.string(), v.maxLength(100)) }),
  signature: v.pipe(v.string(), v.maxLength(200)),
});
export type StdSignature = v.InferOutput<typeof StdSignature>;

/** AuthVerifyRequest proves control of address; a session cookie answers it. */
export const AuthVerifyRequest = v.object({ address: AkashAddress, message: v.pipe(v.string(), v.maxLength(2000)), signature: StdSignature });
export type AuthVerifyRequest = v.InferOutput<typeof AuthVerifyRequest>;

/** OwnerRole is an operator role over one region, or every region when regionId is "*". */
export const OwnerRole = v.object({ regionId: v.string(), role: v.literal("operator") });
export type OwnerRole = v.InferOutput<typeof OwnerRole>;

/** OwnerSession describes the signed-in owner. */
export const OwnerSession = v.object({ address: v.string(), expiresAt: v.string(), roles: v.array(OwnerRole) });
export type OwnerSession = v.InferOutput<typeof OwnerSession>;

/** PayoutAddress is where an owner's payouts go: the address they set, or the one they sign in with (isOwn). */
export const PayoutAddress = v.object({ payoutAddress: v.string(), isOwn: v.boolean() });
export type PayoutAddress = v.InferOutput<typeof PayoutAddress>;

/** SetPayoutAddressRequest names the Akash address to pay; an empty one pays the owner's own address again. */
export const SetPayoutAddressRequest = v.object({ address: v.pipe(v.string(), v.maxLength(200, "an Akash address has at most 100 characters")) });
export type SetPayoutAddressRequest = v.InferOutput<typeof SetPayoutAddressRequest>;

/** CreateClaimCodeRequest makes a claim code; label helps the owner tell codes apart. */
export const CreateClaimCodeRequest = v.object({ label: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(80, "a label has at most 80 characters"))) });
export type CreateClaimCodeRequest = v.InferOutput<typeof CreateClaimCodeRequest>;

/** ClaimCode is one code an owner made. */
export const ClaimCode = v.object({
  code: v.string(),
  label: v.nullable(v.string()),
  createdAt: v.string(),
  expiresAt: v.string(),
  usedAt: v.nullable(v.string()),
  usedByDevice: v.nullable(v.string()),
  /** The exact command that installs an agent claimed by this code. */
  installCommand: v.string(),
});
export type ClaimCode = v.InferOutput<typeof ClaimCode>;

export const ClaimCodeList = v.object({ claimCodes: v.array(ClaimCode) });
export type ClaimCodeList = v.InferOutput<typeof ClaimCodeList>;

export const OwnerDeviceList = v.object({ devices: v.array(DeviceView) });
export type OwnerDeviceList = v.InferOutput<typeof OwnerDeviceList>;

/** OperatorOffer invites an owner to run a new region as its operator ("first user bootstraps"). */
export const OperatorOffer = v.object({
  id: v.string(),
  regionId: v.string(),
  owner: v.string(),
  status: v.picklist(["open", "accepted", "declined", "withdrawn"]),
  createdAt: v.string(),
  decidedAt: v.nullable(v.string()),
});
export type OperatorOffer = v.InferOutput<typeof OperatorOffer>;

export const OperatorOfferList = v.object({ offers: v.array(OperatorOffer) });
export type OperatorOfferList = v.InferOutput<typeof OperatorOfferList>;
