// What every CLI subcommand provides, and the small argument parser they share.

export interface Command {
  summary: string;
  help: string;
  /** Resolves to the exit code. Throw CliError for usage/environment errors (exit 2). */
  run(args: string[]): Promise<number>;
}

/** A usage or environment error: printed as one line, exit code 2. */
export class CliError extends Error {}

export interface ParsedArgs {
  flags: Map<string, string | true>;
  positional: string[];
}

/**
 * Parses `--flag`, `--flag value` and `--flag=value`. `valued` names the flags
 * that take a value; any other `--x` is a boolean; unknown flags are errors.
 */
export function parseArgs(args: string[], valued: string[], booleans: string[]): ParsedArgs {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-' || !a.startsWith('--')) { positional.push(a); continue; }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (valued.includes(name)) {
      const value = eq >= 0 ? a.slice(eq + 1) : args[++i];
      if (value === undefined) throw new CliError(`--${name} needs a value`);
      flags.set(name, value);
    } else if (booleans.includes(name) && eq < 0) {
      flags.set(name, true);
    } else {
      throw new CliError(`unknown option ${a}`);
    }
  }
  return { flags, positional };
}

export function stringFlag(p: ParsedArgs, name: string): string | undefined {
  const v = p.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}
