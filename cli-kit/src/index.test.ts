import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { command, commandHelp, parseCommand, parseProgram, programHelp, wantsHelp } from './index';
import { checkHelpContract, runNode } from './testing';

const mint = command({
  summary: 'Mints a token.',
  options: {
    org: { type: 'string', value: 'ORG', required: true, description: 'the org' },
    ttl: { type: 'string', value: 'SECONDS', default: '3600', description: 'lifetime' },
    kind: { type: 'string', choices: ['staff', 'patient'], description: 'who' },
    patient: { type: 'boolean', description: 'a patient token' },
  },
  examples: ['tool mint --org Hospital1'],
});
const program = {
  invocation: 'tool',
  summary: 'A tool.',
  commands: { mint, stop: command({ summary: 'Stops.', examples: ['tool stop'] }) },
  examples: ['tool mint --org Hospital1'] as const,
};

describe('command lines', () => {
  it('when the options are given, then the values are typed, defaulted and booleans false when absent', () => {
    const parsed = parseCommand('tool mint', mint, ['--org', 'Hospital2', '--kind', 'patient']);
    assert.ok(parsed.kind === 'run');
    const { org, ttl, kind, patient } = parsed.values;
    assert.deepEqual(
      { org, ttl, kind, patient },
      { org: 'Hospital2', ttl: '3600', kind: 'patient', patient: false },
    );
  });

  it('when --help or -h comes anywhere before --, then the help is asked for, whatever else is wrong', () => {
    assert.ok(wantsHelp(['--org', 'x', '-h']));
    assert.ok(wantsHelp(['--bogus', '--help']));
    assert.ok(!wantsHelp(['--', '--help']));
    assert.equal(parseCommand('tool mint', mint, ['--bogus', '--help']).kind, 'help');
  });

  it('when an option is unknown, required and missing, outside its choices or a stray argument, then a usage error names it', () => {
    const cases: [string[], RegExp][] = [
      [['--org', 'x', '--bogus'], /Unknown option '--bogus'/],
      [[], /--org is required/],
      [['--org', 'x', '--kind', 'robot'], /--kind takes one of: staff, patient/],
      [['--org', 'x', 'extra'], /Unexpected argument 'extra'/],
    ];
    for (const [argv, message] of cases) {
      const parsed = parseCommand('tool mint', mint, argv);
      assert.ok(parsed.kind === 'usage-error', argv.join(' '));
      assert.match(parsed.text, message);
      assert.match(parsed.text, /^Usage: tool mint --org ORG \[options\]$/m);
    }
  });

  it('when a command help is written, then it has the usage, every option with its notes, help itself and the example', () => {
    const help = commandHelp('tool mint', mint);
    assert.match(help, /^Mints a token\.\n\nUsage: tool mint --org ORG \[options\]\n/);
    assert.match(help, /^ {2}--org ORG +the org \(required\)$/m);
    assert.match(help, /^ {2}--ttl SECONDS +lifetime \(default 3600\)$/m);
    assert.match(help, /^ {2}--kind VALUE +who \(one of: staff, patient\)$/m);
    assert.match(help, /^ {2}--patient +a patient token$/m);
    assert.match(help, /^ {2}-h, --help +show this help and exit$/m);
    assert.match(help, /\nExample:\n {2}tool mint --org Hospital1\n$/);
  });

  it('when a program is asked, then its help names every command, and each command is reached by name or help', () => {
    assert.match(programHelp(program), /^ {2}mint +Mints a token\.$/m);
    assert.match(programHelp(program), /^ {2}stop +Stops\.$/m);
    assert.equal(parseProgram(program, ['-h']).kind, 'help');
    const topic = parseProgram(program, ['help', 'mint']);
    assert.ok(topic.kind === 'help' && topic.text.includes('Usage: tool mint --org ORG'));
    const sub = parseProgram(program, ['mint', '--help']);
    assert.ok(sub.kind === 'help' && sub.text.includes('--ttl SECONDS'));
    const run = parseProgram(program, ['stop']);
    assert.deepEqual(run, { kind: 'run', command: 'stop', values: {} });
    for (const argv of [[], ['launch'], ['--org', 'x'], ['help', 'launch'], ['stop', '--now']]) {
      assert.equal(parseProgram(program, argv).kind, 'usage-error', argv.join(' '));
    }
  });

  it('when a built tool is run as a process, then help exits 0 on stdout, a usage error 2 on stderr, a failure 1 in one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-kit-'));
    const file = join(dir, 'tool.js');
    writeFileSync(
      file,
      `const { runProgram, command, UsageError } = require(${JSON.stringify(join(__dirname, 'index.js'))});
runProgram(
  { invocation: 'tool', summary: 'A tool.', examples: ['tool ok'], commands: {
    ok: command({ summary: 'Prints ok.', options: { n: { type: 'string', default: '1', description: 'n' } }, examples: ['tool ok'] }),
    fail: command({ summary: 'Fails.', examples: ['tool fail'] }),
    code: command({ summary: 'Exits 3.', examples: ['tool code'] }),
    misuse: command({ summary: 'Misused.', examples: ['tool misuse'] }),
  } },
  process.argv.slice(2),
  {
    ok: (v) => { process.stdout.write('ok ' + v.n + '\\n'); },
    fail: async () => { throw new Error('it broke'); },
    code: () => 3,
    misuse: () => { throw new UsageError('these do not fit together'); },
  },
);`,
    );
    assert.deepEqual(await runNode(file, ['ok', '--n', '2']), { code: 0, stdout: 'ok 2\n', stderr: '' });
    assert.deepEqual(await runNode(file, ['fail']), { code: 1, stdout: '', stderr: 'tool: it broke\n' });
    assert.equal((await runNode(file, ['code'])).code, 3);
    const misuse = await runNode(file, ['misuse']);
    assert.equal(misuse.code, 2);
    assert.match(misuse.stderr, /^tool misuse: these do not fit together\nUsage: tool misuse\n/);
    assert.deepEqual(await checkHelpContract({ file, commands: ['ok', 'fail', 'code', 'misuse'] }), []);
    // The contract checker sees a tool that breaks it.
    const broken = join(dir, 'broken.js');
    writeFileSync(broken, "process.stdout.write('hello\\n');");
    const problems = await checkHelpContract({ file: broken, commands: ['ok'] });
    assert.ok(problems.some((p) => p.includes("the help lacks 'Usage:'")));
    assert.ok(problems.some((p) => p.includes("does not name 'ok'")));
    assert.ok(problems.some((p) => p.includes('--no-such-option: exit 0, expected 2')));
  });
});
