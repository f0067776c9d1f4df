import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { FabricInstall, FabricTool } from './binaries';
import type { StatePaths } from './paths';
import type { OrdererNode, PeerNode, Topology } from './topology';

/** Runs a Fabric CLI tool and returns its output (stdout, then stderr); throws with it on failure. */
export function runTool(
  install: FabricInstall,
  tool: FabricTool,
  args: readonly string[],
  env: Record<string, string> = {},
  cwd?: string,
): string {
  const { stdout, stderr } = runToolOutputs(install, tool, args, env, cwd);
  return `${stdout}${stderr}`;
}

/** Runs a Fabric CLI tool and returns what it printed on stdout only (a document it prints, say). */
export function runToolStdout(
  install: FabricInstall,
  tool: FabricTool,
  args: readonly string[],
  env: Record<string, string> = {},
): string {
  return runToolOutputs(install, tool, args, env).stdout;
}

function runToolOutputs(
  install: FabricInstall,
  tool: FabricTool,
  args: readonly string[],
  env: Record<string, string>,
  cwd?: string,
): { stdout: string; stderr: string } {
  const result = spawnSync(install.bin(tool), [...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    cwd,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    const output = `${result.stdout}${result.stderr}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(
      `${tool} ${args.slice(0, 3).join(' ')} failed (exit ${result.status ?? 'signal'}):\n${output}`,
    );
  }
  return { stdout: result.stdout, stderr: result.stderr };
}

/** Environment for the `peer` CLI acting as the org's admin against one peer, with mutual TLS. */
export function peerAdminEnv(paths: StatePaths, peer: PeerNode): Record<string, string> {
  const admin = paths.peerAdminDir(peer.org);
  return {
    FABRIC_CFG_PATH: paths.nodeDir(peer.shortName),
    CORE_PEER_LOCALMSPID: peer.org.mspId,
    CORE_PEER_MSPCONFIGPATH: join(admin, 'msp'),
    CORE_PEER_ADDRESS: peer.address,
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_ROOTCERT_FILE: join(paths.peerNodeDir(peer), 'tls', 'ca.crt'),
    CORE_PEER_TLS_CLIENTAUTHREQUIRED: 'true',
    CORE_PEER_TLS_CLIENTCERT_FILE: join(admin, 'tls', 'client.crt'),
    CORE_PEER_TLS_CLIENTKEY_FILE: join(admin, 'tls', 'client.key'),
    FABRIC_LOGGING_SPEC: 'warning',
  };
}

/** `peer` CLI flags to reach the first orderer with mutual TLS as the given peer org's admin. */
export function ordererFlags(topology: Topology, paths: StatePaths, peer: PeerNode): string[] {
  const admin = paths.peerAdminDir(peer.org);
  const orderer = topology.ordererOrg.nodes[0];
  if (orderer === undefined) throw new Error('topology has no orderer');
  return [
    '-o',
    orderer.address,
    '--tls',
    '--cafile',
    paths.tlsCaCert(paths.ordererOrgDir(topology), topology.ordererOrg.domain),
    '--clientauth',
    '--certfile',
    join(admin, 'tls', 'client.crt'),
    '--keyfile',
    join(admin, 'tls', 'client.key'),
  ];
}

/** `osnadmin` flags for one orderer's admin endpoint (mutual TLS as the orderer org's admin). */
export function osnadminFlags(topology: Topology, paths: StatePaths, node: OrdererNode): string[] {
  const admin = paths.ordererAdminDir(topology);
  return [
    '-o',
    `${node.ip}:${String(node.adminPort)}`,
    '--ca-file',
    paths.tlsCaCert(paths.ordererOrgDir(topology), topology.ordererOrg.domain),
    '--client-cert',
    join(admin, 'tls', 'client.crt'),
    '--client-key',
    join(admin, 'tls', 'client.key'),
  ];
}
