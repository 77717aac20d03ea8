// cli-args: the scenarios' few options (--name value), with a readable error for a bad value.
const argv = process.argv.slice(2);

export function numberArg(name: string, fallback: number, min = 0): number {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(argv[i + 1]);
  if (!Number.isFinite(value) || value < min) {
    console.error(`--${name} must be a number of at least ${min}, got ${JSON.stringify(argv[i + 1] ?? "")}`);
    process.exit(2);
  }
  return value;
}

export function listArg(name: string, fallback: number[]): number[] {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const values = (argv[i + 1] ?? "").split(",").map(Number);
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 1)) {
    console.error(`--${name} must be a comma-separated list of whole numbers, e.g. 10,25,50`);
    process.exit(2);
  }
  return values;
}
