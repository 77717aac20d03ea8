import { Alert } from "../kit/index.ts";

/** Flash is the one-line outcome of the action just taken, shown once on the page it led back to. */
export function Flash({ text, tone = "success" }: { text: string | null; tone?: "success" | "error" }): JSX.Element {
  if (!text) return "";
  return (
    <Alert tone={tone} title={tone === "success" ? "Done" : "That did not work"}>
      <p safe>{text}</p>
    </Alert>
  );
}
