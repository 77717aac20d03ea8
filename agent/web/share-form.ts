import * as v from "valibot";
import { ShareSettings, type Hardware } from "../../protocol/index.ts";
import type { ShareFormErrors, ShareFormValues } from "../../ui/agent/index.ts";
import { formList, formText } from "./form-fields.ts";

/** shareFormValues reads the share form as typed. */
export function shareFormValues(body: unknown): ShareFormValues {
  return {
    cpuCores: formText(body, "cpuCores"),
    memoryGiB: formText(body, "memoryGiB"),
    gpus: formList(body, "gpus"),
    hours: formText(body, "hours") === "window" ? "window" : "always",
    from: formText(body, "from"),
    to: formText(body, "to"),
  };
}

/** shareFormFrom fills the form from saved (or default) settings. */
export function shareFormFrom(share: ShareSettings): ShareFormValues {
  return {
    cpuCores: String(share.cpuCores),
    memoryGiB: String(share.memoryGiB),
    gpus: [...share.gpus],
    hours: share.hours ? "window" : "always",
    from: share.hours?.from ?? "22:00",
    to: share.hours?.to ?? "07:00",
  };
}

const wholeNumber = (text: string): number => (/^\d{1,6}$/.test(text) ? Number(text) : Number.NaN);

/**
 * parseShareForm checks the form with the protocol's ShareSettings schema (its messages are shown as they
 * are) and against this machine: no more threads, memory or GPUs than it has.
 */
export function parseShareForm(values: ShareFormValues, hw: Hardware | null): { share: ShareSettings } | { errors: ShareFormErrors } {
  const errors: ShareFormErrors = {};
  const candidate = {
    cpuCores: wholeNumber(values.cpuCores),
    memoryGiB: wholeNumber(values.memoryGiB),
    gpus: values.gpus,
    hours: values.hours === "window" ? { from: values.from, to: values.to } : null,
  };
  if (Number.isNaN(candidate.cpuCores)) errors.cpuCores = "enter a whole number of threads, like 4";
  if (Number.isNaN(candidate.memoryGiB)) errors.memoryGiB = "enter a whole number of GiB, like 8";
  const parsed = v.safeParse(ShareSettings, candidate);
  if (!parsed.success) {
    for (const issue of parsed.issues) {
      const keys = (issue.path ?? []).map((p) => String(p.key));
      const field = (keys[0] === "hours" && keys[1] ? keys[1] : keys[0]) as keyof ShareFormErrors | undefined;
      if (field && !errors[field]) errors[field] = issue.message;
    }
  }
  if (hw && !errors.cpuCores && candidate.cpuCores > hw.cpu.threads) errors.cpuCores = `this computer has ${hw.cpu.threads} threads; share at most that many`;
  const totalGiB = hw ? Math.floor(hw.memory.totalBytes / 2 ** 30) : null;
  if (totalGiB !== null && !errors.memoryGiB && candidate.memoryGiB > totalGiB) errors.memoryGiB = `this computer has ${totalGiB} GiB; share at most that much`;
  const shareable = new Set((hw?.gpus ?? []).filter((g) => g.supported && g.uuid).map((g) => g.uuid!));
  if (values.gpus.some((id) => !shareable.has(id))) errors.gpus = "choose only graphics cards this computer can share";
  if (candidate.hours && !errors.from && !errors.to && candidate.hours.from === candidate.hours.to) errors.to = "the end must differ from the start";
  if (Object.keys(errors).length || !parsed.success) return { errors };
  return { share: parsed.output };
}
