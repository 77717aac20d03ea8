// How sizes read in messages: one decimal in GiB, the unit Kubernetes and the Akash labels use.

export function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

/** plural("thread", 1) is "1 thread", plural("thread", 4) is "4 threads". */
export function plural(word: string, n: number): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** list(["a", "b", "c"]) is "a, b and c". */
export function list(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}
