/**
 * CPU time of the whole local consortium (every process with a pid file in `<state>/run`): peers,
 * orderers, chaincode servers, gateways and CAs. CPU per operation is the number a busy, shared machine
 * disturbs least, and it says what an idle machine could do: 2 cores give 2,000 ms of CPU a second.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Linux USER_HZ: clock ticks per second in /proc/<pid>/stat. */
const TICKS_PER_SECOND = 100;

/** CPU seconds used so far by every running process of the network in `stateDir`. */
export function networkCpuSeconds(stateDir: string): number {
  const runDir = join(stateDir, 'run');
  let total = 0;
  for (const f of readdirSync(runDir).filter((n) => n.endsWith('.pid'))) {
    try {
      const pid = readFileSync(join(runDir, f), 'utf8').trim();
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      total += (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    } catch {
      // a process that is gone uses nothing more
    }
  }
  return total;
}
