import * as v from "valibot";
import { parseAkashAddress } from "../accounts/akash-address.ts";

/** akashAddressField is a config field holding an Akash address, checked (bech32, prefix, checksum) and normalised. */
export const akashAddressField = v.pipe(
  v.string("must be an Akash address (akash1…)"),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    try {
      return parseAkashAddress(dataset.value);
    } catch {
      addIssue({ message: `${JSON.stringify(dataset.value.trim())} is not an Akash address: it must be bech32 with the akash prefix and a valid checksum` });
      return NEVER;
    }
  }),
);
