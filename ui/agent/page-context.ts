import type { SetupStep } from "../../protocol/index.ts";
import type { AssetUrls } from "../kit/index.ts";

/** PageContext is what every agent page needs besides its own data. */
export interface PageContext {
  assets: AssetUrls;
  signedIn: boolean;
  /** The furthest step the owner has reached; earlier steps link back, later ones wait. */
  reached: SetupStep;
  /** A short line for the footer, e.g. the agent version. */
  footer: string | null;
  /** What the agent repaired on its own at start; shown on every page until the next start. */
  notices: string[];
}
