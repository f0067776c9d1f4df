import { command, runProgram } from '@medledger/cli-kit';

import { defaultTopologySpec, resolveTopology } from './topology';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderCompose } from './compose';
import { tuningFromEnv } from './tuning';
import { bootstrapConsortium, rotateContentKey } from './consortium';
import { governOrgsByConsortium } from './channel-config';
import { channelBatchSettings, orderingChange, setBatchSettings } from './batch-config';
import { channelMemberPolicies, setMemberPolicies } from './member-policies';
import { revokeIdentity } from './revocation';
import { deployChaincode, joinOrderers, joinPeers, packageChaincode } from './lifecycle';
import { ensureFabric } from './binaries';
import { admitOrg, upgradeChaincode } from './governance';
import { mintDevToken } from './gateways';
import { FABRIC_CA_VERSION, FABRIC_VERSION, repoRoot } from './paths';
import {
  cleanNetwork,
  currentTopology,
  enrollDeployedPeople,
  generate,
  networkContext,
  processStatus,
  startNetwork,
  stopNetwork,
  writeServiceState,
  type NetworkInfo,
} from './network';

function printInfo(info: NetworkInfo): void {
  const rows: string[][] = [['what', 'where']];
  for (const o of info.orderers)
    rows.push([o.name, `${o.address} (admin ${o.adminPort}, ops ${o.operationsPort})`]);
  for (const org of info.orgs) {
    const ip = org.ip ?? '127.0.0.1';
    for (const p of org.peers) rows.push([p.name, `${p.address} (ops ${p.operationsPort})`]);
    rows.push([`${org.name} CA`, `${org.caUrl} (${org.users.length} people enrolled)`]);
    rows.push([`${org.name} chaincode server`, `${ip}:${org.chaincodeServerPort}`]);
    rows.push([`${org.name} REST gateway`, org.gatewayUrl ?? `http://${ip}:${org.gatewayPort}`]);
  }
  const width = Math.max(...rows.map((r) => (r[0] ?? '').length));
  const ordering =
    info.ordering === 'bft'
      ? `BFT ordering (${String(info.orderers.length)} orderers)`
      : `Raft ordering (${String(info.orderers.length)} orderers)`;
  const hosts =
    info.hosts === 'isolated'
      ? 'isolated hosts: each org and the orderers in a network namespace of its own'
      : 'every process on loopback';
  console.log(`\nMedLedger consortium on channel ${info.channel}, chaincode ${info.chaincode}`);
  console.log(`  ${ordering}; ${hosts}`);
  for (const [what, where] of rows) console.log(`  ${(what ?? '').padEnd(width)}  ${where ?? ''}`);
  if (info.benchLoader === true) {
    console.log(
      '\n  BENCHMARK MODE: started with MEDLEDGER_BENCH_LOADER=1, each hospital has a bench-loader identity whose\n' +
        '  certificate lets bench:LoadSyntheticAuditEvents write synthetic audit events; never use this network\n' +
        '  for real data. `npm start` without it deletes those identities here (their certificates stay valid).',
    );
  }
  console.log(`\n  state and logs: ${info.stateDir} (logs/ per process)\n  stop with: npm stop\n`);
}

const TOKEN_ORGS = defaultTopologySpec.peerOrgs.map((o) => o.name);

/** The commands, their options and examples (see `@medledger/cli-kit`). */
export const NETWORK_CLI = {
  invocation: 'node network/dist/cli.js',
  summary:
    'Runs the local MedLedger consortium: Fabric orderers, peers and CAs, chaincode servers and REST gateways, each a native process, on loopback or on isolated hosts.',
  details: [
    'Environment: MEDLEDGER_HOME (state folder, default .medledger), MEDLEDGER_BASE_PORT (default 17000), MEDLEDGER_FABRIC_HOME (a Fabric 3.1.5 install).',
    'MEDLEDGER_ORDERER=bft runs four BFT orderers instead of three Raft ones; MEDLEDGER_ISOLATED_HOSTS=1 runs each org, and the orderers, in a network namespace of its own, every address a host name (root and iproute2). Both are chosen when the state is first generated and recorded there; later commands need not repeat them.',
    'The npm scripts run these commands: npm start, npm stop, npm run network:status, npm run -s token -- ...',
  ],
  examples: [
    'npm start',
    'node network/dist/cli.js status',
    'npm run -s token -- --org Hospital1 --user hospital1-attending-1',
  ],
  commands: {
    start: command({
      summary:
        'Starts (or reuses) the whole consortium, deploys the chaincode and prints where everything runs.',
      examples: [
        'npm start',
        'MEDLEDGER_BASE_PORT=18000 MEDLEDGER_HOME=/tmp/ml node network/dist/cli.js start',
        'MEDLEDGER_ORDERER=bft npm start',
        'MEDLEDGER_ISOLATED_HOSTS=1 npm start',
      ],
    }),
    stop: command({ summary: 'Stops every process that start started.', examples: ['npm stop'] }),
    status: command({
      summary: 'Lists the processes and whether each runs.',
      examples: ['npm run network:status'],
    }),
    clean: command({
      summary: 'Stops everything and removes all generated state (the MEDLEDGER_HOME folder).',
      examples: ['npm run network:clean'],
    }),
    generate: command({
      summary:
        'Writes certificates, the genesis block, node configs and chaincode packages without starting anything.',
      examples: ['npm run network:generate', 'MEDLEDGER_HOSTS=containers npm run network:generate'],
    }),
    deploy: command({
      summary:
        "Joins the channel, runs the chaincode lifecycle and writes the consortium and collection keys against nodes that already run (containers), then enrolls each org's people from its CA into its gateway's wallet and registers them on chain through the gateway.",
      examples: ['npm run network:deploy'],
    }),
    compose: command({
      summary:
        'Regenerates docker-compose.yaml from the topology, for state generated with MEDLEDGER_HOSTS=containers.',
      examples: ['npm run network:compose'],
    }),
    token: command({
      summary:
        "Prints a bearer token for a local gateway, signed with the org's dev signing key (standing in for the org's identity provider).",
      options: {
        org: {
          type: 'string',
          value: 'ORG',
          required: true,
          description: `the org: ${TOKEN_ORGS.join(', ')}`,
        },
        user: {
          type: 'string',
          value: 'ID',
          required: true,
          description: "a person's enrollment id, or a patient's DID with --patient",
        },
        patient: { type: 'boolean', description: 'a patient token (the subject is a patient DID)' },
        ttl: { type: 'string', value: 'SECONDS', default: '3600', description: 'lifetime of the token' },
      },
      examples: [
        'npm run -s token -- --org Hospital1 --user hospital1-attending-1',
        'npm run -s token -- --org Hospital1 --user did:medledger:patient:p-7f3a9c --patient --ttl 600',
      ],
    }),
    'rotate-key': command({
      summary:
        "Rotates a hospital's key-encryption key of content at rest: a new active key in its chaincode server's keyring file, then every data key re-wrapped under it (the content is not touched).",
      options: {
        org: {
          type: 'string',
          value: 'ORG',
          required: true,
          description: `the org: ${TOKEN_ORGS.join(', ')}`,
        },
      },
      examples: ['node network/dist/cli.js rotate-key --org Hospital1'],
    }),
    'add-org': command({
      summary:
        "Admits an org into the running channel: its certificates and CA, a channel configuration update signed by a majority of the member orgs' admins, its peer, chaincode server and gateway, and a new chaincode definition naming it, approved by every org's admin and committed.",
      options: {
        name: { type: 'string', value: 'NAME', required: true, description: 'the org, e.g. Hospital4' },
        kind: {
          type: 'string',
          value: 'KIND',
          required: true,
          description: 'what kind of member it is (its name starts with it: hospital, research, ...)',
        },
        proposer: {
          type: 'string',
          value: 'ORG',
          description: 'the member org whose admin proposes and signs first (default: the first org)',
        },
      },
      examples: ['npm run network:add-org -- --name Hospital4 --kind hospital'],
    }),
    upgrade: command({
      summary:
        "Moves the chaincode to a new version: a new package from the current build per org, its server started beside the old one, approved by each org's admin, committed at the next sequence, then the old servers stopped one at a time.",
      options: {
        version: {
          type: 'string',
          value: 'VERSION',
          description: 'the new version (default: the next patch version)',
        },
      },
      examples: ['npm run network:upgrade', 'npm run network:upgrade -- --version 0.2.0'],
    }),
    revoke: command({
      summary:
        "Revokes a person's certificates at Fabric level: the org's CA revokes every certificate of the enrollment id and issues its CRL, and a channel configuration update signed by a majority of the orgs' admins puts the CRL in the org's MSP, so every peer refuses that identity (freeze them on chain first: POST /v1/freezes).",
      options: {
        org: {
          type: 'string',
          value: 'ORG',
          required: true,
          description: `the org: ${TOKEN_ORGS.join(', ')}`,
        },
        user: { type: 'string', value: 'ID', required: true, description: "the person's enrollment id" },
      },
      examples: ['npm run network:revoke -- --org Hospital1 --user dr-0042'],
    }),
    ordering: command({
      summary:
        "Shows the running channel's batch settings, or changes them: a channel configuration update signed by the ordering org's admin (the Orderer group's mod_policy), taken by the orderers without a restart.",
      options: {
        'batch-timeout': {
          type: 'string',
          value: 'DURATION',
          description:
            'how long a Raft orderer waits to fill a block, like 10ms or 2s (Raft only: BFT batches by its own interval)',
        },
        'max-message-count': {
          type: 'string',
          value: 'N',
          description: 'the most transactions in a block',
        },
      },
      examples: ['node network/dist/cli.js ordering', 'npm run network:ordering -- --batch-timeout 10ms'],
    }),
    'member-policies': command({
      summary:
        "Shows the form of the running channel's Application Readers and Writers policies, or changes both: `signature` (one signature policy over every member org's roles, new channels' default) or `implicit` (configtxgen's ANY, one signature check per org tried); a configuration update a majority of the member orgs' admins sign.",
      options: {
        form: {
          type: 'string',
          value: 'FORM',
          description: 'signature or implicit',
        },
      },
      examples: [
        'node network/dist/cli.js member-policies',
        'npm run network:member-policies -- --form signature',
      ],
    }),
    'fabric-install': command({
      summary:
        'Finds or installs Fabric and Fabric CA and says where they came from, without starting anything.',
      examples: ['npm run fabric:install'],
    }),
  },
} as const;

function state(options: { asRecorded?: boolean } = {}) {
  return currentTopology(process.env, options);
}

if (require.main === module) {
  void runProgram(
    NETWORK_CLI,
    process.argv.slice(2),
    {
      start: async () => {
        const started = performance.now();
        const info = await startNetwork(await networkContext());
        printInfo(info);
        console.log(`[medledger] up in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      },
      stop: async () => {
        const { topology, paths } = state({ asRecorded: true });
        const stopped = await stopNetwork(topology, paths);
        console.log(
          stopped.length ? `[medledger] stopped ${stopped.join(', ')}` : '[medledger] nothing was running',
        );
      },
      clean: async () => {
        const { topology, paths } = state({ asRecorded: true });
        await cleanNetwork(topology, paths);
        console.log(`[medledger] stopped everything and removed ${paths.root}`);
      },
      generate: async () => {
        // Everything a container deployment mounts, so its services start from this state alone.
        const ctx = await networkContext();
        generate(ctx);
        writeServiceState(ctx.topology, ctx.paths, Date.now());
        console.log(`[medledger] generated ${ctx.paths.root}`);
      },
      deploy: async () => {
        const ctx = await networkContext();
        await joinOrderers(ctx.install, ctx.topology, ctx.paths);
        await joinPeers(ctx.install, ctx.topology, ctx.paths);
        await governOrgsByConsortium(ctx.install, ctx.topology, ctx.paths);
        const packages = ctx.topology.peerOrgs.map((org) => packageChaincode(ctx.topology, ctx.paths, org));
        console.log(
          `[medledger] chaincode ${deployChaincode(ctx.install, ctx.topology, ctx.paths, packages)}`,
        );
        const boot = await bootstrapConsortium(ctx.topology, ctx.paths);
        console.log(
          `[medledger] consortium ${boot.consortium}, collection keys ${JSON.stringify(boot.keys)}, study secret ${boot.studySecret}`,
        );
        const users = await enrollDeployedPeople(ctx);
        for (const [org, people] of Object.entries(users))
          console.log(`[medledger] ${org}: ${people.join(', ')} enrolled, in its gateway's wallet, on chain`);
      },
      compose: () => {
        const file = join(repoRoot, 'docker-compose.yaml');
        const { topology } = state();
        const options = { ...topology.options, hosts: 'containers' as const };
        writeFileSync(
          file,
          renderCompose(resolveTopology(defaultTopologySpec, topology.basePort, options), tuningFromEnv()),
        );
        console.log(`[medledger] wrote ${file}`);
      },
      token: async (values) => {
        const { topology, paths } = state();
        const org = topology.peerOrgs.find((o) => o.name.toLowerCase() === values.org.toLowerCase());
        if (org === undefined) throw new Error(`--org takes one of: ${TOKEN_ORGS.join(', ')}`);
        const ttlSeconds = Number(values.ttl);
        if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1)
          throw new Error('--ttl takes a number of seconds');
        const token = await mintDevToken(paths, org, values.user, {
          kind: values.patient ? 'patient' : 'staff',
          ttlSeconds,
        });
        process.stdout.write(`${token}\n`);
      },
      'rotate-key': async (values) => {
        const { topology, paths } = state();
        const org = topology.peerOrgs.find((o) => o.name.toLowerCase() === values.org.toLowerCase());
        if (org === undefined) throw new Error(`--org takes one of: ${TOKEN_ORGS.join(', ')}`);
        const done = await rotateContentKey(topology, paths, org, Date.now());
        console.log(
          `[medledger] ${org.name}: ${done.activeKeyId} active, ${String(done.rewrapped)} data keys re-wrapped, ${String(done.underOldKeys)} left under older keys`,
        );
      },
      'add-org': async (values) => {
        const started = performance.now();
        const info = await admitOrg(await networkContext(), {
          name: values.name,
          kind: values.kind,
          ...(values.proposer === undefined ? {} : { proposer: values.proposer }),
        });
        printInfo(info);
        console.log(
          `[medledger] ${values.name} admitted in ${((performance.now() - started) / 1000).toFixed(1)} s`,
        );
      },
      upgrade: async (values) => {
        const started = performance.now();
        const { from, to } = await upgradeChaincode(
          await networkContext(),
          values.version === undefined ? {} : { version: values.version },
        );
        console.log(
          `[medledger] chaincode ${from.version} (sequence ${String(from.sequence)}) -> ${to.version} (sequence ${String(to.sequence)}) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
        );
      },
      revoke: async (values) => {
        const ctx = await networkContext();
        const org = ctx.topology.peerOrgs.find((o) => o.name.toLowerCase() === values.org.toLowerCase());
        if (org === undefined) throw new Error(`--org takes one of: ${TOKEN_ORGS.join(', ')}`);
        const result = revokeIdentity(ctx.install, ctx.topology, ctx.paths, org, values.user);
        console.log(
          result.updated
            ? `[medledger] revoked ${values.user} at ${org.name}'s CA; CRL (${String(result.crlBytes)} bytes) in ${org.mspId} signed by ${result.signers.join(', ')}`
            : `[medledger] revoked ${values.user} at ${org.name}'s CA; the channel already holds this CRL`,
        );
      },
      ordering: async (values) => {
        const ctx = await networkContext();
        const before = channelBatchSettings(ctx.install, ctx.topology, ctx.paths);
        const wanted = orderingChange(before, values, ctx.topology.ordererType);
        // setBatchSettings returns once the channel's config carries them.
        if (wanted !== undefined) await setBatchSettings(ctx.install, ctx.topology, ctx.paths, wanted);
        const now = wanted ?? before;
        console.log(
          `[medledger] channel ${ctx.topology.channel}: BatchTimeout ${now.batchTimeout}, MaxMessageCount ${String(now.maxMessageCount)}` +
            (wanted === undefined ? '' : ` (was ${before.batchTimeout}, ${String(before.maxMessageCount)})`),
        );
      },
      'member-policies': async (values) => {
        const form = values.form;
        if (form !== undefined && form !== 'signature' && form !== 'implicit')
          throw new Error('--form takes signature or implicit');
        const ctx = await networkContext();
        if (form !== undefined)
          await setMemberPolicies(ctx.install, ctx.topology, ctx.paths, { Readers: form, Writers: form });
        const now = channelMemberPolicies(ctx.install, ctx.topology, ctx.paths);
        console.log(
          `[medledger] channel ${ctx.topology.channel}: Readers ${now.Readers}, Writers ${now.Writers}`,
        );
      },
      'fabric-install': async () => {
        // What `npm start` does first, for machines prepared ahead of time.
        const install = await ensureFabric();
        console.log(
          `[medledger] Fabric ${FABRIC_VERSION}: ${install.binDir} (from ${install.from.fabric.what})\n` +
            `[medledger] Fabric CA ${FABRIC_CA_VERSION}: ${install.caBinDir} (from ${install.from['fabric-ca'].what})`,
        );
      },
      status: () => {
        const { topology, paths } = state();
        for (const p of processStatus(topology, paths)) {
          console.log(`  ${p.name.padEnd(24)} ${p.pid === undefined ? 'stopped' : `running (pid ${p.pid})`}`);
        }
      },
    },
    { failurePrefix: '[medledger] ' },
  );
}
