// `heaplens`: the command-line twin of the extension. Same engine, no VS Code.
import { checkCommand } from './check';
import { CliError, type Command } from './command';
import { escapeCommand } from './escape';
import { baseThreadJob, setThreadEntry } from './diffThread';
import { diffCommand, linesCommand, serveDiffBase, topCommand } from './profile';
import { watchCommand } from './watch';

const commands: Record<string, Command> = {
  escape: escapeCommand,
  top: topCommand,
  lines: linesCommand,
  diff: diffCommand,
  check: checkCommand,
  watch: watchCommand,
};

const usage = `usage: heaplens <command> [options]

commands:
${Object.entries(commands).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`).join('\n')}

Run 'heaplens <command> --help' for a command's options.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) throw new CliError(`unknown command '${name}' (commands: ${Object.keys(commands).join(', ')}; see heaplens --help)`);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.help);
    return 0;
  }
  return command.run(rest);
}

function run(): void {
  setThreadEntry(__filename);
  // `heaplens top big.pb.gz | head -3`: the reader left, which is not an error of ours.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => {
      // Exit 2 with one line, never a stack trace: scripts and people read this.
      const msg = err instanceof Error ? err.message : String(err);
      process.stderr.write(`heaplens: ${msg}\n`);
      process.exitCode = 2;
    },
  );
}

// This file is also a diff's base thread (diffThread.ts).
const base = baseThreadJob();
if (base !== undefined) serveDiffBase(base);
else run();
