/**
 * MedLedger's command-line conventions, shared by every tool (the network CLI, the gateway's CLIs, the
 * projection CLI, the benchmarks):
 *
 * - `--help` or `-h` anywhere before a `--` prints the usage, every option and an example on stdout and
 *   exits 0 without doing anything else (a `start --help` starts nothing);
 * - an unknown option, a stray argument, a missing required option or a value outside its choices
 *   prints what is wrong and the usage on stderr and exits 2;
 * - a failure of the command itself prints one line on stderr (no stack trace) and exits 1 at once
 *   (whatever connections it left open); a
 *   {@link UsageError} it throws (options that parse but do not fit together) is reported like a
 *   usage error;
 * - a program with sub-commands names each of them in its help; `<program> <command> --help` and
 *   `<program> help <command>` print that command's help.
 *
 * Options are declared once, with their descriptions, and the same declaration parses the arguments
 * (`node:util` `parseArgs`, strict) and writes the help, so the two cannot disagree.
 */
import { parseArgs } from 'node:util';

/** One option of a command. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly description: string;
  /** How a string option's value is shown in the help (`--org ORG`); `VALUE` when not given. */
  readonly value?: string;
  /** A string option's value when it is not given (a boolean is false when not given). */
  readonly default?: string;
  /** The only values a string option takes. */
  readonly choices?: readonly string[];
  /** A string option that must be given. */
  readonly required?: boolean;
  /** A one-letter alias (`-o`); `h` is taken by help. */
  readonly short?: string;
}

/** The options of a command, by long name. */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** A command: what it does, its options, more text, and at least one example invocation. */
export interface CommandSpec<O extends OptionSpecs = OptionSpecs> {
  /** One sentence: what the command does. */
  readonly summary: string;
  readonly options?: O;
  /** Paragraphs printed after the options: what it reads or writes, environment variables. */
  readonly details?: readonly string[];
  /** Whole command lines, as a newcomer would type them. */
  readonly examples: readonly [string, ...string[]];
}

type ValueOf<S extends OptionSpec> = S['type'] extends 'boolean'
  ? boolean
  : S extends { readonly default: string }
    ? string
    : S extends { readonly required: true }
      ? string
      : string | undefined;

/** The parsed values of options `O`: booleans always set, strings set when required or defaulted. */
export type OptionValues<O extends OptionSpecs> = { -readonly [K in keyof O]: ValueOf<O[K]> };

/** The options a command spec declares. */
export type OptionsOf<S> = S extends CommandSpec<infer O> ? O : never;

/** What the arguments ask for: run with these values, print the help, or a usage error. */
export type ParsedCommand<O extends OptionSpecs> =
  | { readonly kind: 'run'; readonly values: OptionValues<O> }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'usage-error'; readonly text: string };

/** A command spec with its option types kept literal (so the parsed values are typed). */
export function command<const O extends OptionSpecs = OptionSpecs>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec;
}

/** Whether `argv` asks for help: `--help` or `-h` before any `--`. */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

const HELP_ROW: readonly [string, string] = ['-h, --help', 'show this help and exit'];

function flagOf(name: string, o: OptionSpec): string {
  const value = o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : '';
  return `${o.short ? `-${o.short}, ` : ''}--${name}${value}`;
}

function describeOption(o: OptionSpec): string {
  const notes = [
    ...(o.required ? ['required'] : []),
    ...(o.choices ? [`one of: ${o.choices.join(', ')}`] : []),
    ...(o.default !== undefined ? [`default ${o.default === '' ? "''" : o.default}`] : []),
  ];
  return notes.length > 0 ? `${o.description} (${notes.join('; ')})` : o.description;
}

function table(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`.trimEnd());
}

/** The one-line usage of a command: its required options, then `[options]` when it has others. */
export function usageLine(invocation: string, spec: CommandSpec): string {
  const options = Object.entries(spec.options ?? {});
  const required = options.filter(([, o]) => o.required).map(([name, o]) => flagOf(name, o));
  const optional = options.some(([, o]) => !o.required);
  return [invocation, ...required, ...(optional ? ['[options]'] : [])].join(' ');
}

/** The help of a command: summary, usage, options, details, examples. */
export function commandHelp(invocation: string, spec: CommandSpec): string {
  const options = Object.entries(spec.options ?? {}).map(
    ([name, o]) => [flagOf(name, o), describeOption(o)] as const,
  );
  const lines = [
    spec.summary,
    '',
    `Usage: ${usageLine(invocation, spec)}`,
    '',
    'Options:',
    ...table([...options, HELP_ROW]),
    ...(spec.details ?? []).flatMap((d) => ['', d]),
    '',
    spec.examples.length > 1 ? 'Examples:' : 'Example:',
    ...spec.examples.map((e) => `  ${e}`),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Thrown by a command for arguments that parse but do not fit together (a mode that needs an option
 * another mode does not): reported like a parse error, with the usage, exit 2.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function usageText(invocation: string, spec: CommandSpec, message: string): string {
  return `${invocation}: ${message}\nUsage: ${usageLine(invocation, spec)}\nRun '${invocation} --help' for the options and an example.\n`;
}

function usageError(invocation: string, spec: CommandSpec, message: string): ParsedCommand<never> {
  return { kind: 'usage-error', text: usageText(invocation, spec, message) };
}

/** Parses `argv` for a command strictly (see the module header); never throws, never exits. */
export function parseCommand<O extends OptionSpecs>(
  invocation: string,
  spec: CommandSpec<O>,
  argv: readonly string[],
): ParsedCommand<O> {
  if (wantsHelp(argv)) return { kind: 'help', text: commandHelp(invocation, spec) };
  const declared: OptionSpecs = spec.options ?? {};
  const config = Object.fromEntries(
    Object.entries(declared).map(([name, o]) => [
      name,
      {
        type: o.type,
        ...(o.short ? { short: o.short } : {}),
        ...(o.type === 'string' && o.default !== undefined ? { default: o.default } : {}),
        ...(o.type === 'boolean' ? { default: false } : {}),
      },
    ]),
  );
  let values: Record<string, string | boolean | undefined>;
  try {
    values = {
      ...parseArgs({ args: [...argv], options: config, strict: true, allowPositionals: false }).values,
    };
  } catch (err) {
    return usageError(invocation, spec, err instanceof Error ? err.message : String(err));
  }
  for (const [name, o] of Object.entries(declared)) {
    const value = values[name];
    if (o.required && value === undefined) return usageError(invocation, spec, `--${name} is required`);
    if (o.choices && typeof value === 'string' && !o.choices.includes(value)) {
      return usageError(invocation, spec, `--${name} takes one of: ${o.choices.join(', ')}`);
    }
  }
  return { kind: 'run', values: values as OptionValues<O> };
}

/** A program of sub-commands (`node network/dist/cli.js start`). */
export interface ProgramSpec<C extends Readonly<Record<string, CommandSpec>>> {
  /** How it is run, e.g. `node network/dist/cli.js`. */
  readonly invocation: string;
  readonly summary: string;
  readonly commands: C;
  readonly details?: readonly string[];
  readonly examples: readonly [string, ...string[]];
}

/** The help of a program: summary, usage, every sub-command with its summary, examples. */
export function programHelp(program: ProgramSpec<Readonly<Record<string, CommandSpec>>>): string {
  const commands = Object.entries(program.commands).map(([name, c]) => [name, c.summary] as const);
  const lines = [
    program.summary,
    '',
    `Usage: ${program.invocation} <command> [options]`,
    '',
    'Commands:',
    ...table([...commands, ['help [command]', 'Shows this help, or the help of a command.']]),
    '',
    'Options:',
    ...table([HELP_ROW]),
    ...(program.details ?? []).flatMap((d) => ['', d]),
    '',
    `Run '${program.invocation} <command> --help' for the options of a command and an example.`,
    '',
    program.examples.length > 1 ? 'Examples:' : 'Example:',
    ...program.examples.map((e) => `  ${e}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** What the arguments ask a program for. */
export type ParsedProgram<C extends Readonly<Record<string, CommandSpec>>> =
  | {
      readonly kind: 'run';
      readonly command: keyof C & string;
      readonly values: Record<string, string | boolean | undefined>;
    }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'usage-error'; readonly text: string };

/** Parses `argv` for a program: the first argument names the command (see the module header). */
export function parseProgram<C extends Readonly<Record<string, CommandSpec>>>(
  program: ProgramSpec<C>,
  argv: readonly string[],
): ParsedProgram<C> {
  const [first, ...rest] = argv;
  const names = Object.keys(program.commands);
  const usage = (message: string): ParsedProgram<C> => ({
    kind: 'usage-error',
    text: `${program.invocation}: ${message}\nUsage: ${program.invocation} <command> [options]\nCommands: ${names.join(', ')}\nRun '${program.invocation} --help' for what each does.\n`,
  });
  if (first === undefined) return usage('a command is required');
  if (first === '--help' || first === '-h') return { kind: 'help', text: programHelp(program) };
  if (first === 'help') {
    const topic = rest[0];
    if (topic === undefined) return { kind: 'help', text: programHelp(program) };
    const spec = Object.hasOwn(program.commands, topic) ? program.commands[topic] : undefined;
    return spec
      ? { kind: 'help', text: commandHelp(`${program.invocation} ${topic}`, spec) }
      : usage(`unknown command '${topic}'`);
  }
  const spec = Object.hasOwn(program.commands, first) ? program.commands[first] : undefined;
  if (!spec) {
    return usage(
      first.startsWith('-') ? `a command comes first, not '${first}'` : `unknown command '${first}'`,
    );
  }
  const parsed = parseCommand(`${program.invocation} ${first}`, spec, rest);
  return parsed.kind === 'run' ? { kind: 'run', command: first, values: parsed.values } : parsed;
}

/** How a run ends. */
export interface RunOptions {
  /**
   * Exit the process as soon as the command is done, for commands whose open sockets (keep-alive,
   * gRPC) would otherwise keep it alive.
   */
  readonly exitWhenDone?: boolean;
  /** What a failure's message starts with; `<invocation>: ` when not given. */
  readonly failurePrefix?: string;
}

async function finish(
  parsed:
    | { kind: 'help'; text: string }
    | { kind: 'usage-error'; text: string }
    | { kind: 'run'; run: () => unknown; usage: (message: string) => string },
  failurePrefix: string,
  options: RunOptions,
): Promise<void> {
  if (parsed.kind === 'run') {
    try {
      const code = await parsed.run();
      process.exitCode = typeof code === 'number' ? code : 0;
    } catch (err) {
      if (err instanceof UsageError) {
        process.stderr.write(parsed.usage(err.message));
        process.exitCode = 2;
      } else {
        process.stderr.write(`${failurePrefix}${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
      }
    }
  } else if (parsed.kind === 'help') {
    process.stdout.write(parsed.text);
    process.exitCode = 0;
  } else {
    process.stderr.write(parsed.text);
    process.exitCode = 2;
  }
  // A failed command exits at once: a connection it left open must not keep it running.
  const failed = process.exitCode !== 0 && parsed.kind === 'run';
  if (options.exitWhenDone || failed) process.exit(process.exitCode);
}

/**
 * Runs a command: parses `argv`, then prints the help, or a usage error, or calls `main` with the
 * values. `main` may return an exit code (a number); it exits 0 otherwise, 1 when it throws.
 */
export async function runCommand<O extends OptionSpecs>(
  invocation: string,
  spec: CommandSpec<O>,
  argv: readonly string[],
  main: (values: OptionValues<O>) => unknown,
  options: RunOptions = {},
): Promise<void> {
  const parsed = parseCommand(invocation, spec, argv);
  await finish(
    parsed.kind === 'run'
      ? {
          kind: 'run',
          run: () => main(parsed.values),
          usage: (message) => usageText(invocation, spec, message),
        }
      : parsed,
    options.failurePrefix ?? `${invocation}: `,
    options,
  );
}

/** The handler of each command of a program, given that command's typed values. */
export type CommandHandlers<C extends Readonly<Record<string, CommandSpec>>> = {
  readonly [K in keyof C]: (values: OptionValues<OptionsOf<C[K]>>) => unknown;
};

/** Runs a program of sub-commands (see {@link runCommand}). */
export async function runProgram<C extends Readonly<Record<string, CommandSpec>>>(
  program: ProgramSpec<C>,
  argv: readonly string[],
  handlers: CommandHandlers<C>,
  options: RunOptions = {},
): Promise<void> {
  const parsed = parseProgram(program, argv);
  await finish(
    parsed.kind === 'run'
      ? {
          kind: 'run',
          run: () =>
            (handlers[parsed.command] as (values: Record<string, string | boolean | undefined>) => unknown)(
              parsed.values,
            ),
          usage: (message) => {
            const name = parsed.command;
            return usageText(`${program.invocation} ${name}`, program.commands[name] as CommandSpec, message);
          },
        }
      : parsed,
    options.failurePrefix ?? `${program.invocation}: `,
    options,
  );
}
