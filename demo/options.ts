// Command-line options of `npm run demo`.
export interface DemoOptions {
  shoppers: number;
  seed: string;
  /** Cron ticks per simulated hour. */
  speed: number;
  serve: boolean;
  port: number | null;
  /** Where the demo keeps its database and logs (default .demo/ in the project). */
  dir: string | null;
  /** Rebuild even when build/ looks fresh. */
  forceBuild: boolean;
  quiet: boolean;
  help: boolean;
}

export const DEFAULTS: DemoOptions = {
  shoppers: 40,
  seed: "checkout-recovery",
  speed: 2,
  serve: true,
  port: null,
  dir: null,
  forceBuild: false,
  quiet: false,
  help: false,
};

export const USAGE = `Usage: npm run demo -- [options]

  --shoppers N   simulated shoppers (default ${DEFAULTS.shoppers}, 1-500)
  --seed S       random seed: the same seed tells the same story (default "${DEFAULTS.seed}")
  --speed N      cron ticks per simulated hour, 1-12 (default ${DEFAULTS.speed}); more is finer and slower
  --port N       port of the app server (default: a free one)
  --no-serve     print the summary and exit (no server left running)
  --dir PATH     where to keep the demo database and logs (default .demo/)
  --build        rebuild the app even when build/ looks up to date
  --quiet        no progress lines, only the summary
  --help         this text
`;

export class OptionsError extends Error {}

function int(name: string, v: string | undefined, min: number, max: number): number {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n < min || n > max)
    throw new OptionsError(`${name} needs a whole number from ${min} to ${max} (got ${v ?? "nothing"})`);
  return n;
}

export function parseOptions(argv: string[]): DemoOptions {
  const o: DemoOptions = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    const [flag, inline] = raw.includes("=") ? [raw.slice(0, raw.indexOf("=")), raw.slice(raw.indexOf("=") + 1)] : [raw, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case "--shoppers":
        o.shoppers = int("--shoppers", value(), 1, 500);
        break;
      case "--seed": {
        const v = value();
        if (!v) throw new OptionsError("--seed needs a value");
        o.seed = v;
        break;
      }
      case "--speed":
        o.speed = int("--speed", value(), 1, 12);
        break;
      case "--port":
        o.port = int("--port", value(), 1, 65535);
        break;
      case "--dir": {
        const v = value();
        if (!v) throw new OptionsError("--dir needs a path");
        o.dir = v;
        break;
      }
      case "--no-serve":
        o.serve = false;
        break;
      case "--build":
        o.forceBuild = true;
        break;
      case "--quiet":
        o.quiet = true;
        break;
      case "--help":
      case "-h":
        o.help = true;
        break;
      default:
        throw new OptionsError(`unknown option ${raw}`);
    }
  }
  return o;
}
