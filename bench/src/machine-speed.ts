/**
 * How fast this machine's CPU was while a run measured: a fixed piece of single-threaded work, timed
 * in the CPU time it took. The consortium's CPU per operation moves with the machine as well as with
 * the code (the same code has measured 16 and 34 ms per empty transaction on different days here), so
 * a run reports this beside its numbers, at its start and at its end.
 */
import { createHash, generateKeyPairSync, sign, verify } from 'node:crypto';

/** How much of each kind of work one pass does. */
export interface SpeedWork {
  readonly verifications: number;
  readonly hashedMiB: number;
  readonly jsonRoundTrips: number;
}

/** The work's parts; sized so that one pass takes about 100 ms of CPU on this project's 2-core hosts. */
export const MACHINE_SPEED_WORK: SpeedWork = {
  /** P-256 ECDSA verifications of one 256-byte message (OpenSSL), as every peer does per signature. */
  verifications: 500,
  /** MiB of SHA-256 in 4 KiB updates. */
  hashedMiB: 16,
  /** JSON round trips of a 500-entry document, as the gateways and chaincode servers do per request. */
  jsonRoundTrips: 100,
};

export interface MachineSpeed {
  /** CPU time of one pass of {@link MACHINE_SPEED_WORK}, the median of the passes (ms); lower is faster. */
  readonly cpuMs: number;
  /** Wall-clock time of the same pass (ms): above `cpuMs` when other processes held the CPUs. */
  readonly wallMs: number;
  readonly passes: number;
}

/** The machine's speed ({@link MachineSpeed.cpuMs}) just before one step of a run. */
export interface StepSpeed {
  readonly step: string;
  readonly cpuMs: number;
}

/** One pass of the fixed work; returns a count that depends on all of it, so none is optimised away. */
export function machineSpeedWork(work: SpeedWork = MACHINE_SPEED_WORK): number {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const message = Buffer.alloc(256, 7);
  const signature = sign('sha256', message, privateKey);
  let done = 0;
  for (let i = 0; i < work.verifications; i++) if (verify('sha256', message, publicKey, signature)) done++;
  const hash = createHash('sha256');
  const chunk = Buffer.alloc(4096, 1);
  for (let i = 0; i < work.hashedMiB * 256; i++) hash.update(chunk);
  done += hash.digest()[0] === undefined ? 0 : 1;
  const doc = { entries: Array.from({ length: 500 }, (_, i) => ({ id: `r-${String(i)}`, version: i })) };
  for (let i = 0; i < work.jsonRoundTrips; i++) {
    done += (JSON.parse(JSON.stringify(doc)) as typeof doc).entries.length;
  }
  return done;
}

/** Times `passes` passes of the work after one untimed pass (V8's compilation, OpenSSL's tables). */
export function measureMachineSpeed(passes = 3, work: SpeedWork = MACHINE_SPEED_WORK): MachineSpeed {
  machineSpeedWork(work);
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let p = 0; p < passes; p++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    machineSpeedWork(work);
    const used = process.cpuUsage(cpu0);
    wall.push(performance.now() - t0);
    cpu.push((used.user + used.system) / 1000);
  }
  return { cpuMs: middle(cpu), wallMs: middle(wall), passes };
}

function middle(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** The report's sentence on the machine's speed at the run's start, before each step, and at its end. */
export function machineSpeedNote(
  start: MachineSpeed,
  end: MachineSpeed,
  steps: readonly StepSpeed[] = [],
): string {
  const { verifications, hashedMiB, jsonRoundTrips } = MACHINE_SPEED_WORK;
  const cpu = steps.map((s) => s.cpuMs);
  const between =
    cpu.length === 0
      ? ''
      : `, ${Math.min(...cpu).toFixed(0)} to ${Math.max(...cpu).toFixed(0)} before its ${String(cpu.length)} steps (\`machineSpeed.steps\` in the JSON names them)`;
  return `Machine speed: a fixed single-threaded workload (${String(verifications)} P-256 verifications, ${String(hashedMiB)} MiB of SHA-256, ${String(jsonRoundTrips)} JSON round trips) took ${start.cpuMs.toFixed(0)} ms of CPU at the start of the run${between} and ${end.cpuMs.toFixed(0)} at its end (median of ${String(start.passes)} passes; lower is faster; wall clock ${start.wallMs.toFixed(0)} and ${end.wallMs.toFixed(0)} ms at the start and end). Compare runs' CPU per operation with this in mind: the same code costs more on a slower machine.`;
}
