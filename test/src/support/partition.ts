/**
 * Network partitions of orderers with Linux network namespaces.
 *
 * Every process of the local consortium listens on 127.0.0.1 and dials the others there. To cut one
 * orderer off for real, each orderer is moved (one at a time, so Raft keeps its quorum) into a namespace
 * of its own, joined to the host by a veth pair, with a TCP relay at each end so every address stays
 * 127.0.0.1:port on both sides. Taking the host end of the veth down is then a partition: the orderer
 * keeps running, its open connections stall and new ones fail, in both directions. `restore` moves every
 * orderer back and deletes the namespaces and links.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  networkContext,
  ordererProcess,
  startProcess,
  stopProcess,
  type NetworkInfo,
  type OrdererNode,
  type ProcessSpec,
} from '@medledger/network';
import { leaderOf, ordererMetrics, waitUntil } from './faults';

/** One orderer moved into its own namespace. */
interface Isolated {
  readonly node: OrdererNode;
  readonly namespace: string;
  readonly hostLink: string;
  readonly relays: ChildProcess[];
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Names and a /30 subnet for one orderer, derived from its port so parallel networks do not clash. */
function plumbing(node: OrdererNode): {
  namespace: string;
  hostLink: string;
  nsLink: string;
  hostIp: string;
  nsIp: string;
} {
  const subnet = `10.231.${String((node.port >> 8) & 255)}.${String((node.port & 63) * 4)}`;
  const base = subnet.split('.').map(Number);
  const at = (offset: number) =>
    `${String(base[0])}.${String(base[1])}.${String(base[2])}.${String((base[3] ?? 0) + offset)}`;
  return {
    namespace: `medledger-o${String(node.port)}`,
    hostLink: `mlo${String(node.port)}h`,
    nsLink: `mlo${String(node.port)}n`,
    hostIp: at(1),
    nsIp: at(2),
  };
}

const relayScript = join(__dirname, 'tcp-relay.js');

/** Starts a relay (inside `namespace` when given) and waits until it listens. */
async function startRelay(routes: readonly string[], namespace?: string): Promise<ChildProcess> {
  const relay = [relayScript, ...routes];
  const child =
    namespace === undefined
      ? spawn(process.execPath, relay, { stdio: ['pipe', 'pipe', 'inherit'] })
      : spawn('ip', ['netns', 'exec', namespace, process.execPath, ...relay], {
          stdio: ['pipe', 'pipe', 'inherit'],
        });
  const lines = createInterface({ input: child.stdout });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => {
      reject(new Error(`relay exited with ${String(code)}: ${routes.join(' ')}`));
    });
    lines.once('line', (line) => {
      if (line === 'ready') resolve();
      else reject(new Error(line));
    });
  });
  child.removeAllListeners('exit');
  return child;
}

function stopRelay(relay: ChildProcess): Promise<void> {
  if (relay.exitCode !== null || relay.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    relay.once('exit', () => {
      resolve();
    });
    relay.stdin?.end(); // the relay exits when its input closes
    relay.kill('SIGTERM');
  });
}

/** The orderer namespaces that exist now (none once a run has cleaned up after itself). */
export function leftoverNamespaces(): string[] {
  const out = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith('medledger-o'));
}

export class OrdererPartitions {
  private readonly isolated = new Map<number, Isolated>();

  private constructor(private readonly info: NetworkInfo) {}

  /** Moves every orderer into a namespace of its own, one at a time, each caught up before the next. */
  static async isolateAll(info: NetworkInfo): Promise<OrdererPartitions> {
    const partitions = new OrdererPartitions(info);
    const nodes = (await networkContext()).topology.ordererOrg.nodes;
    try {
      for (const node of nodes) await partitions.moveIn(node, nodes);
    } catch (err) {
      await partitions.restore();
      throw err;
    }
    return partitions;
  }

  /** Cuts orderer `index` off from everything (the host end of its link goes down). */
  cut(index: number): void {
    ip('link', 'set', this.get(index).hostLink, 'down');
  }

  /** Heals the partition of orderer `index`. */
  heal(index: number): void {
    ip('link', 'set', this.get(index).hostLink, 'up');
  }

  /** Moves every orderer back to the host's namespace and deletes the namespaces, links and relays. */
  async restore(): Promise<void> {
    const ctx = await networkContext();
    for (const [index, isolated] of [...this.isolated]) {
      const spec = ordererProcess(ctx, isolated.node);
      await stopProcess(spec.pidFile);
      for (const relay of isolated.relays) await stopRelay(relay);
      removePlumbing(isolated.node);
      this.isolated.delete(index);
      await startProcess(spec, 120_000);
      await this.caughtUp(index);
    }
  }

  private get(index: number): Isolated {
    const isolated = this.isolated.get(index);
    if (isolated === undefined) throw new Error(`orderer ${String(index)} is not in a namespace`);
    return isolated;
  }

  private async moveIn(node: OrdererNode, all: readonly OrdererNode[]): Promise<void> {
    const ctx = await networkContext();
    const p = plumbing(node);
    removePlumbing(node);
    ip('netns', 'add', p.namespace);
    ip('link', 'add', p.hostLink, 'type', 'veth', 'peer', 'name', p.nsLink);
    ip('link', 'set', p.nsLink, 'netns', p.namespace);
    ip('addr', 'add', `${p.hostIp}/30`, 'dev', p.hostLink);
    ip('link', 'set', p.hostLink, 'up');
    ip('netns', 'exec', p.namespace, 'ip', 'addr', 'add', `${p.nsIp}/30`, 'dev', p.nsLink);
    ip('netns', 'exec', p.namespace, 'ip', 'link', 'set', p.nsLink, 'up');
    ip('netns', 'exec', p.namespace, 'ip', 'link', 'set', 'lo', 'up');
    const isolated: Isolated = { node, namespace: p.namespace, hostLink: p.hostLink, relays: [] };
    this.isolated.set(node.index, isolated);

    const own = [node.port, node.adminPort, node.operationsPort];
    // The orderer dials the other orderers' cluster (main) listeners.
    const others = all.filter((n) => n !== node).map((n) => n.port);
    const ordererSpec = ordererProcess(ctx, node);
    // Inside: the orderer's own ports reached from the host side, the others' reached through the host.
    isolated.relays.push(
      await startRelay(
        [
          ...own.map((port) => `${p.nsIp}:${String(port)}=127.0.0.1:${String(port)}`),
          ...others.map((port) => `127.0.0.1:${String(port)}=${p.hostIp}:${String(port)}`),
        ],
        p.namespace,
      ),
    );
    await stopProcess(ordererSpec.pidFile);
    // Outside: the orderer's ports (now free on the host) lead into the namespace; the others' are
    // offered on the host end of the link.
    isolated.relays.push(
      await startRelay([
        ...own.map((port) => `127.0.0.1:${String(port)}=${p.nsIp}:${String(port)}`),
        ...others.map((port) => `${p.hostIp}:${String(port)}=127.0.0.1:${String(port)}`),
      ]),
    );
    const inside: ProcessSpec = {
      ...ordererSpec,
      command: 'ip',
      args: ['netns', 'exec', p.namespace, ordererSpec.command, ...ordererSpec.args],
    };
    await startProcess(inside, 120_000);
    await this.caughtUp(node.index);
  }

  /** Waits until orderer `index` is as high as the others and some orderer leads. */
  private async caughtUp(index: number): Promise<void> {
    await waitUntil(
      `orderer ${String(index)} to catch up`,
      async () => {
        const views = await Promise.all(this.info.orderers.map((_, i) => ordererMetrics(this.info, i)));
        const top = Math.max(...views.map((v) => v?.height ?? -1));
        return views[index]?.height === top && top > 0 && leaderOf(this.info, views) >= 0;
      },
      60_000,
    );
  }
}

/** Deletes an orderer's namespace and link if they exist (deleting one end of a veth deletes both). */
function removePlumbing(node: OrdererNode): void {
  const p = plumbing(node);
  for (const args of [
    ['link', 'del', p.hostLink],
    ['netns', 'del', p.namespace],
  ]) {
    try {
      ip(...args);
    } catch {
      // not there: nothing to remove
    }
  }
}
