// checks: what a scenario asserts. Each check is recorded with what was measured, so the result file says
// what passed and what did not; the scenario fails (non-zero exit) if any did not.
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export class Checks {
  readonly list: Check[] = [];

  check(name: string, ok: boolean, detail: string | number | object = ""): boolean {
    const text = typeof detail === "string" ? detail : JSON.stringify(detail);
    this.list.push({ name, ok, detail: text });
    console.error(`${ok ? "ok  " : "FAIL"} ${name}${text ? ` — ${text}` : ""}`);
    return ok;
  }

  get passed(): boolean {
    return this.list.every((c) => c.ok);
  }

  failures(): string[] {
    return this.list.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
  }
}
