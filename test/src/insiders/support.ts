/**
 * The insider suite's cases (issue 12: holes 3, 5, 6 and the regulator outage the privacy model
 * trades for them), each a function over the running consortium so the full suite
 * (`test/insiders/*.test.ts`, in `npm run test:faults`) and the short end-to-end run
 * (`insiders-short.test.ts`) share them. docs/privacy-model.md says what each one shows.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Contract, Gateway } from '@hyperledger/fabric-gateway';
import type * as grpc from '@grpc/grpc-js';
import { canonicalJson, signPatientPayload, type PatientPrivateJwk } from '@medledger/domain';
import { SqliteDriver, projectionFile } from '@medledger/gateway/projection';
import {
  chaincodeServerProcess,
  inNamespace,
  networkContext,
  packageChaincode,
  type NetworkInfo,
} from '@medledger/network';
import { apiAs, type ApiClient, type ApiResponse } from '../support/api';
import { convergedTip, killProcess, orgProcesses, pidOf, restartProcess, waitUntil } from '../support/faults';
import {
  diagnosisRecord,
  hospital2TreatmentGrant,
  hypertensionCondition,
  newPatientRegistration,
} from '../support/fixtures';
import { gatewayForWalletIdentity } from '../support/network';

/** A patient and the people of one insider case, onboarded through the REST gateways. */
export interface InsiderCase {
  readonly run: string;
  /** The canary: an opaque patient DID nobody else uses; `needle` is its unique tail. */
  readonly patientDid: string;
  readonly needle: string;
  readonly privateJwk: PatientPrivateJwk;
  readonly recordId: string;
  readonly h1Doctor: ApiClient;
  readonly h2Doctor: ApiClient;
  readonly h2DoctorId: string;
  readonly researcherId: string;
  readonly patientApp: ApiClient;
  /** The patient's consent to Hospital2 and the signed grant (what Hospital2's gateway presents). */
  readonly consentId: string;
  readonly grantJws: string;
}

function expectOk(res: ApiResponse, what: string): Record<string, unknown> {
  assert.ok(res.status >= 200 && res.status < 300, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * A Hospital1 attending registers a canary patient and anchors a diagnosis; the patient consents to
 * Hospital2 (through the patient's app at Hospital1's gateway); a Hospital2 attending asks for access
 * naming the patient (Hospital2's gateway presents the consent its org holds) and reads the content.
 * Resolves once every peer holds the last write.
 */
export async function hospitalToHospitalAccess(
  info: NetworkInfo,
): Promise<InsiderCase & { accessId: string }> {
  const run = randomBytes(4).toString('hex');
  const needle = `cnry${randomBytes(12).toString('hex')}`;
  const patientDid = `did:medledger:patient:${needle}`;
  const { key: keys, body: registration } = newPatientRegistration(patientDid);
  const ids = { h1: `ins-h1-${run}`, h2: `ins-h2-${run}`, res: `ins-res-${run}` };
  const h1Admin = await apiAs(info, 'Hospital1', 'hospital1-admin');
  const h2Admin = await apiAs(info, 'Hospital2', 'hospital2-admin');
  const resAdmin = await apiAs(info, 'Research', 'research-admin');
  expectOk(
    await h1Admin.post('/v1/staff', { enrollmentId: ids.h1, role: 'attending', department: 'cardiology' }),
    'onboard Hospital1 attending',
  );
  expectOk(
    await h2Admin.post('/v1/staff', { enrollmentId: ids.h2, role: 'attending', department: 'emergency' }),
    'onboard Hospital2 attending',
  );
  expectOk(
    await resAdmin.post('/v1/staff', { enrollmentId: ids.res, role: 'researcher', department: null }),
    'onboard researcher',
  );
  const h1Doctor = await apiAs(info, 'Hospital1', ids.h1);
  const h2Doctor = await apiAs(info, 'Hospital2', ids.h2);
  const patientApp = await apiAs(info, 'Hospital1', patientDid, { kind: 'patient' });
  expectOk(await h1Doctor.post('/v1/patients', registration), 'register');
  const recordId = `rec-ins-${run}`;
  const resource = hypertensionCondition({ id: `cond-ins-${run}`, patientRef: needle });
  expectOk(await h1Doctor.post('/v1/records', diagnosisRecord(recordId, patientDid, resource)), 'anchor');
  const now = Date.now();
  const grant = signPatientPayload(
    hospital2TreatmentGrant(now),
    { patientDid, privateJwk: keys.privateJwk, kid: `${patientDid}#key-1` },
    { nowMs: now },
  );
  const granted = expectOk(await patientApp.post('/v1/consents', { jws: grant }), 'consent to Hospital2');
  const consentId = (granted['consent'] as { consentId: string }).consentId;
  const access = expectOk(
    await h2Doctor.post(`/v1/records/${recordId}/access`, {
      purpose: 'treatment',
      custodian: 'Hospital1MSP',
      patientDid,
    }),
    'access from Hospital2',
  );
  const decision = access['decision'] as { accessId: string; outcome: string; reason: string };
  assert.equal(decision.outcome, 'granted', `Hospital2's access: ${decision.reason}`);
  const content = expectOk(
    await h2Doctor.get(
      `/v1/records/${recordId}/content?custodian=Hospital1MSP&accessId=${decision.accessId}`,
    ),
    'content read from Hospital2',
  );
  assert.equal((content['resource'] as { id: string }).id, `cond-ins-${run}`);
  await convergedTip(info);
  return {
    run,
    patientDid,
    needle,
    privateJwk: keys.privateJwk,
    recordId,
    h1Doctor,
    h2Doctor,
    h2DoctorId: ids.h2,
    researcherId: ids.res,
    patientApp,
    consentId,
    grantJws: grant,
    accessId: decision.accessId,
  };
}

function* filesUnder(path: string): Generator<string> {
  let st;
  try {
    st = statSync(path);
  } catch {
    return;
  }
  if (st.isFile()) {
    yield path;
    return;
  }
  if (!st.isDirectory()) return;
  for (const name of readdirSync(path)) yield* filesUnder(join(path, name));
}

/**
 * Where `needle` is in what `orgName` keeps on disk: its peer's ledger (blocks, state and history
 * databases, private data store, transient store), its gateway's folder (projection and idempotency
 * databases, wallet), and the logs of its peer, gateway and chaincode server. Paths relative to the
 * state folder.
 */
export function orgFilesHolding(info: NetworkInfo, orgName: string, needle: string): string[] {
  const slug = orgName.toLowerCase();
  const { peer, chaincode, gateway } = orgProcesses(orgName);
  const roots = [
    join(info.stateDir, 'nodes', peer),
    join(info.stateDir, 'gateways', slug),
    ...[peer, chaincode, gateway].map((p) => join(info.stateDir, 'logs', `${p}.log`)),
  ];
  const bytes = Buffer.from(needle, 'latin1');
  const hits = new Set<string>();
  for (const root of roots) {
    for (const file of filesUnder(root)) {
      let content: Buffer;
      try {
        content = readFileSync(file);
      } catch {
        continue;
      }
      if (content.includes(bytes)) hits.add(relative(info.stateDir, file));
    }
  }
  return [...hits].sort();
}

/** Waits until `orgName`'s gateway has projected the access decision `eventId` (id-only or enriched). */
export async function projected(info: NetworkInfo, orgName: string, eventId: string): Promise<void> {
  const file = projectionFile(join(info.stateDir, 'gateways', orgName.toLowerCase(), 'data'));
  await waitUntil(
    `${orgName}'s projection to hold ${eventId}`,
    async () => {
      const db = new SqliteDriver(file, { readonly: true });
      try {
        const rows = await db.all('SELECT 1 AS x FROM audit_event WHERE event_id = ?', [eventId]);
        return rows.length > 0;
      } finally {
        await db.close();
      }
    },
    30_000,
  );
}

/** A Fabric Gateway SDK contract of the medledger chaincode for a person in an org gateway's wallet. */
export async function contractOf(
  info: NetworkInfo,
  orgName: string,
  enrollmentId: string,
): Promise<{ contract: Contract; gateway: Gateway; client: grpc.Client; close(): void }> {
  const conn = await gatewayForWalletIdentity(info, orgName, enrollmentId);
  return {
    ...conn,
    contract: conn.gateway.getNetwork(info.channel).getContract(info.chaincode),
    close: () => {
      conn.gateway.close();
      conn.client.close();
    },
  };
}

/** What became of a submit: refused at endorsement, or its validation code once committed. */
export interface SubmitOutcome {
  readonly txId: string;
  readonly endorsed: boolean;
  readonly valid: boolean;
  /** Fabric's validation code (10: ENDORSEMENT_POLICY_FAILURE); undefined when never ordered. */
  readonly code: number | undefined;
  readonly text: string;
}

/** Fabric's validation code of a transaction whose endorsements do not satisfy a policy. */
export const ENDORSEMENT_POLICY_FAILURE = 10;

/** Endorses `fn` with exactly `endorsingOrganizations` and, when endorsed, submits it and waits. */
export async function submitOutcome(
  contract: Contract,
  fn: string,
  options: {
    arguments: string[];
    transientData?: Record<string, Uint8Array>;
    endorsingOrganizations: string[];
  },
): Promise<SubmitOutcome> {
  const proposal = contract.newProposal(fn, options);
  const txId = proposal.getTransactionId();
  let transaction;
  try {
    transaction = await proposal.endorse();
  } catch (err) {
    const details = (err as { details?: { message: string }[] }).details ?? [];
    const text = [(err as Error).message, ...details.map((d) => d.message)].join(' ');
    return { txId, endorsed: false, valid: false, code: undefined, text };
  }
  const status = await (await transaction.submit()).getStatus();
  return {
    txId,
    endorsed: true,
    valid: status.successful,
    code: status.code,
    text: `validation code ${String(status.code)}`,
  };
}

/** A rogue chaincode server running in place of an org's real one (see `rogue-chaincode.ts`). */
export interface RogueServer {
  readonly orgName: string;
  /** Stops the rogue and restarts the org's real chaincode server. */
  restore(): Promise<void>;
}

/**
 * Swaps `orgName`'s chaincode server for the rogue: SIGKILLs the real one, starts the rogue on the
 * same address (in the org's namespace on isolated hosts) with the same package id and TLS material,
 * and waits until the org's peer endorses with it.
 */
export async function swapInRogue(info: NetworkInfo, orgName: string): Promise<RogueServer> {
  const ctx = await networkContext();
  const org = ctx.topology.peerOrgs.find((o) => o.name === orgName);
  if (org === undefined) throw new Error(`no org ${orgName}`);
  const spec = chaincodeServerProcess(ctx, packageChaincode(ctx.topology, ctx.paths, org));
  const flag = (name: string): string => {
    const i = spec.args.indexOf(name);
    const value = spec.args[i + 1];
    if (i < 0 || value === undefined) throw new Error(`the chaincode server has no ${name}`);
    return value;
  };
  const { chaincode } = orgProcesses(orgName);
  await killProcess(chaincode);
  // On isolated hosts the rogue runs in the org's namespace, where the peer dials its chaincode server.
  const { command, args } = inNamespace(
    { ...spec, command: process.execPath, args: [join(__dirname, 'rogue-chaincode.js')] },
    org.namespace,
  );
  const rogue: ChildProcess = spawn(command, args, {
    env: {
      PATH: process.env['PATH'] ?? '',
      CORE_PEER_LOCALMSPID: org.mspId,
      ROGUE_CCID: flag('--chaincode-id'),
      ROGUE_ADDRESS: flag('--chaincode-address'),
      ROGUE_TLS_KEY: flag('--chaincode-tls-key-file'),
      ROGUE_TLS_CERT: flag('--chaincode-tls-cert-file'),
      ROGUE_TLS_CLIENT_CA: flag('--chaincode-tls-client-cacert-file'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  rogue.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  rogue.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await waitUntil(
    'the rogue chaincode to listen',
    () => Promise.resolve(output.includes('listening')),
    15_000,
  );
  return {
    orgName,
    async restore() {
      rogue.kill('SIGKILL');
      await new Promise((resolve) => rogue.once('exit', resolve));
      if (pidOf(chaincode) === undefined) await restartProcess(chaincode);
      // The peer reconnects to the real server on its next invocation.
      await sleep(500);
    },
  };
}

/**
 * Evaluates `rogue:<fn>` on each of `orgs`' peers until every one answers: the peer has dialled the
 * rogue in place of the chaincode it ran (which knows no `rogue:` function).
 */
export async function untilRogueAnswers(
  contract: Contract,
  fn: string,
  arg: unknown,
  orgs: readonly string[],
): Promise<void> {
  for (const org of orgs) {
    await waitUntil(
      `${org}'s peer to run the rogue chaincode`,
      async () => {
        await contract.evaluate(fn, { arguments: [canonicalJson(arg)], endorsingOrganizations: [org] });
        return true;
      },
      30_000,
      500,
    );
  }
}
