/** Problem is something the owner must know about: what went wrong and, when we know, what to do. */
export interface Problem {
  message: string;
  fix: string | null;
  /** Where to go to fix it, when that is another page. */
  link?: { href: string; label: string } | null;
}
