/**
 * Test support (`@medledger/cli-kit/testing`): runs a built command-line tool the way a person would
 * (a child process) and checks that it keeps the conventions of `@medledger/cli-kit`: `--help` and
 * `-h` answer with usage, options and an example on stdout and exit 0; a program's help names every
 * sub-command and each sub-command answers its own `--help`; an unknown option exits 2 with the usage
 * on stderr.
 */
import { execFile } from 'node:child_process';

/** What a run printed and how it ended. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node file ...args` (with `env` over this process's environment) and collects its output. */
export function runNode(
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 20_000,
): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [file, ...args],
      { env: { ...process.env, ...env }, timeout: timeoutMs, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** How to run one tool and what its help must say. */
export interface HelpContract {
  /** The compiled entry point. */
  readonly file: string;
  /** Arguments before the help flag (a sub-command of a program run through another, say). */
  readonly prefix?: readonly string[];
  /** The sub-commands the tool must name and that must each answer `--help`; none for a plain command. */
  readonly commands?: readonly string[];
  /** Environment of every run (point state folders at a temporary place, so a mistake writes nothing real). */
  readonly env?: NodeJS.ProcessEnv;
}

function helpProblems(what: string, run: CliRun, mustName: readonly string[]): string[] {
  const problems: string[] = [];
  if (run.code !== 0) problems.push(`${what}: exit ${String(run.code)} (${run.stderr.trim()})`);
  if (run.stderr !== '') problems.push(`${what}: wrote to stderr: ${run.stderr.trim()}`);
  for (const part of ['Usage:', 'Options:', '--help', 'Example']) {
    if (!run.stdout.includes(part)) problems.push(`${what}: the help lacks '${part}'`);
  }
  for (const name of mustName) {
    if (!new RegExp(`^ {2}${name}\\b`, 'm').test(run.stdout)) {
      problems.push(`${what}: the help does not name '${name}'`);
    }
  }
  return problems;
}

function usageProblems(what: string, run: CliRun): string[] {
  const problems: string[] = [];
  if (run.code !== 2) problems.push(`${what}: exit ${String(run.code)}, expected 2`);
  if (!run.stderr.includes('Usage:')) problems.push(`${what}: no usage on stderr (${run.stderr.trim()})`);
  if (run.stdout !== '') problems.push(`${what}: wrote to stdout: ${run.stdout.trim()}`);
  return problems;
}

/**
 * Runs the tool with `--help`, `-h` and an unknown option, each sub-command with `--help`, and the
 * first sub-command with an unknown option; returns what breaks the conventions, empty when nothing
 * does.
 */
export async function checkHelpContract(contract: HelpContract): Promise<string[]> {
  const prefix = contract.prefix ?? [];
  const commands = contract.commands ?? [];
  const name = [contract.file, ...prefix].join(' ');
  const checks: { args: readonly string[]; check: (what: string, run: CliRun) => string[] }[] = [
    { args: ['--help'], check: (w, r) => helpProblems(w, r, commands) },
    { args: ['-h'], check: (w, r) => helpProblems(w, r, commands) },
    { args: ['--no-such-option'], check: usageProblems },
    ...commands.map((c) => ({
      args: [c, '--help'],
      check: (w: string, r: CliRun) => helpProblems(w, r, []),
    })),
    // Every command parses with the same code; one shows that a sub-command refuses what it does not know.
    ...commands.slice(0, 1).map((c) => ({ args: [c, '--no-such-option'], check: usageProblems })),
  ];
  const problems: string[][] = [];
  // A few at a time: each is a Node process loading the tool's modules.
  for (let i = 0; i < checks.length; i += PARALLEL) {
    const batch = checks
      .slice(i, i + PARALLEL)
      .map(async ({ args, check }) =>
        check(`${name} ${args.join(' ')}`, await runNode(contract.file, [...prefix, ...args], contract.env)),
      );
    problems.push(...(await Promise.all(batch)));
  }
  return problems.flat();
}

const PARALLEL = 4;
