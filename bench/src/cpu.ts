/**
 * CPU time of the whole local consortium (every process with a pid file in `<state>/run`): peers,
 * orderers, chaincode servers, gateways and CAs. CPU per operation is the number a busy, shared machine
 * disturbs least, and it says what an idle machine could do: 2 cores give 2,000 ms of CPU a second.
 * The network names each pid file after its process (`peer0-hospital1`, `orderer2`, `chaincode-research`,
 * `gateway-regulator`, `ca-insurer`), so the role of each process is read from its name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { procStatFields } from '@medledger/network';

/** Linux USER_HZ: clock ticks per second in /proc/<pid>/stat. */
const TICKS_PER_SECOND = 100;

/** The roles the consortium's processes play, in the order reports show them. */
export const ROLES = ['peers', 'orderers', 'chaincode', 'gateways', 'cas'] as const;
export type Role = (typeof ROLES)[number];

/** CPU seconds per role (or CPU milliseconds per operation per role, for a measurement). */
export type RoleCpu = Readonly<Record<Role, number>>;

/** The role of the process a pid file names; `undefined` for a name no role claims. */
export function roleOf(processName: string): Role | undefined {
  if (/^peer\d+-/.test(processName)) return 'peers';
  if (/^orderer\d+$/.test(processName)) return 'orderers';
  if (processName.startsWith('chaincode-')) return 'chaincode';
  if (processName.startsWith('gateway-')) return 'gateways';
  if (processName.startsWith('ca-')) return 'cas';
  return undefined;
}

/** CPU seconds used so far by the process whose pid file is `pidFile`; 0 when it does not run. */
function pidFileCpuSeconds(pidFile: string): number {
  try {
    const fields = procStatFields(readFileSync(pidFile, 'utf8').trim()) ?? [];
    return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / TICKS_PER_SECOND;
  } catch {
    // a process that is gone uses nothing more
    return 0;
  }
}

/** A zero for every role. */
export const noRoleCpu = (): Record<Role, number> => ({
  peers: 0,
  orderers: 0,
  chaincode: 0,
  gateways: 0,
  cas: 0,
});

/** CPU seconds used so far by each running process of the network in `stateDir`, by process name. */
export function networkCpuByProcess(stateDir: string): Record<string, number> {
  const runDir = join(stateDir, 'run');
  const out: Record<string, number> = {};
  for (const f of readdirSync(runDir).filter((n) => n.endsWith('.pid'))) {
    out[f.slice(0, -'.pid'.length)] = pidFileCpuSeconds(join(runDir, f));
  }
  return out;
}

/**
 * CPU seconds used so far by every running process of the network in `stateDir`, in all (`total`,
 * which counts processes of no known role too) and per role.
 */
export function networkCpuByRole(stateDir: string): { total: number; byRole: RoleCpu } {
  const byRole = noRoleCpu();
  let total = 0;
  for (const [name, seconds] of Object.entries(networkCpuByProcess(stateDir))) {
    total += seconds;
    const role = roleOf(name);
    if (role !== undefined) byRole[role] += seconds;
  }
  return { total, byRole };
}

/** CPU seconds used so far by one network process (`gateway-hospital1`, `peer0-hospital1`, ...). */
export function processCpuSeconds(stateDir: string, name: string): number {
  return pidFileCpuSeconds(join(stateDir, 'run', `${name}.pid`));
}

/**
 * Milliseconds of CPU per operation for each role between two readings (`before`, `after`), over `ops`
 * operations; `null` when there were none.
 */
export function roleCpuMsPerOp(before: RoleCpu, after: RoleCpu, ops: number): RoleCpu | null {
  if (ops <= 0) return null;
  const out = noRoleCpu();
  for (const role of ROLES) out[role] = ((after[role] - before[role]) * 1000) / ops;
  return out;
}
