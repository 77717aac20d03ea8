import type { SetupStep } from "../../protocol/index.ts";

/** StepError is a setup step that cannot go on: a message for the owner and what to do about it. */
export class StepError extends Error {
  override name = "StepError";
  constructor(
    readonly step: SetupStep,
    message: string,
    readonly fix: string | null,
  ) {
    super(message);
  }
}
