/**
 * PROTOCOL_VERSION is one increasing integer: bump it whenever either side gains a capability the
 * other must know about, and say what changed next to the bump.
 * 1: hardware, checks, bench results, local API, region list.
 */
export const PROTOCOL_VERSION = 1;
