/**
 * CPU time of the whole local consortium (every process with a pid file in `<state>/run`): peers,
 * orderers, chaincode servers, gateways and CAs. CPU per operation is the number a busy, shared machine
 * disturbs least, and it says what an idle machine could do: 2 cores give 2,000 ms of CPU a second.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Linux USER_HZ: clock ticks per second in /proc/<pid>/stat. */
const TICKS_PER_SECOND = 100;

/** CPU seconds used so far by the process whose pid file is `pidFile`; 0 when it does not run. */
function pidFileCpuSeconds(pidFile: string): number {
  try {
    const pid = readFileSync(pidFile, 'utf8').trim();
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    // a process that is gone uses nothing more
    return 0;
  }
}

/** CPU seconds used so far by every running process of the network in `stateDir`. */
export function networkCpuSeconds(stateDir: string): number {
  const runDir = join(stateDir, 'run');
  let total = 0;
  for (const f of readdirSync(runDir).filter((n) => n.endsWith('.pid'))) {
    total += pidFileCpuSeconds(join(runDir, f));
  }
  return total;
}

/** CPU seconds used so far by one network process (`gateway-hospital1`, `peer0-hospital1`, ...). */
export function processCpuSeconds(stateDir: string, name: string): number {
  return pidFileCpuSeconds(join(stateDir, 'run', `${name}.pid`));
}
