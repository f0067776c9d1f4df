import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { generatePatientKey } from '@medledger/domain';
import type { NetworkInfo } from '@medledger/network';
import { apiAs, type ApiClient } from '../support/api';
import { convergedTip } from '../support/faults';
import { ensureNetwork, gatewayFor, releaseNetwork } from '../support/network';

type Decision = 'allow' | 'deny';

/**
 * Roles of each org against the write endpoints, compared with the expected decision table (from the
 * chaincode's rules: admins onboard staff, hospital staff register patients, clinicians anchor records,
 * researchers register studies, patients act only through patient routes), and a few chaincode
 * transactions invoked directly with the SDK, bypassing the gateway.
 */
describe('authorization matrix', () => {
  let info: NetworkInfo;
  const run = randomBytes(4).toString('hex');
  const callers: Record<string, ApiClient> = {};
  before(async () => {
    info = await ensureNetwork();
    const admins = {
      h1Admin: ['Hospital1', 'hospital1-admin'],
      h2Admin: ['Hospital2', 'hospital2-admin'],
      resAdmin: ['Research', 'research-admin'],
      regAdmin: ['Regulator', 'regulator-admin'],
    } as const;
    for (const [name, [org, id]] of Object.entries(admins)) callers[name] = await apiAs(info, org, id);
    const staff = [
      ['h1Attending', 'Hospital1', 'h1Admin', 'attending', 'cardiology'],
      ['h1Nurse', 'Hospital1', 'h1Admin', 'nurse', 'cardiology'],
      ['researcher', 'Research', 'resAdmin', 'researcher', null],
      ['auditor', 'Regulator', 'regAdmin', 'auditor', null],
    ] as const;
    for (const [name, org, admin, role, department] of staff) {
      const enrollmentId = `authz-${name.toLowerCase()}-${run}`;
      const res = await callers[admin]?.post('/v1/staff', { enrollmentId, role, department });
      assert.equal(res?.status, 201, `onboard ${name}`);
      callers[name] = await apiAs(info, org, enrollmentId);
    }
    callers.patient = await apiAs(info, 'Hospital1', `did:medledger:patient:authz-${run}`, {
      kind: 'patient',
    });
  });
  after(releaseNetwork);

  const did = () => `did:medledger:patient:authz-${randomBytes(6).toString('hex')}`;
  const requests: Record<string, () => [string, unknown]> = {
    'POST /v1/staff': () => [
      '/v1/staff',
      {
        enrollmentId: `authz-new-${randomBytes(4).toString('hex')}`,
        role: 'nurse',
        department: 'cardiology',
      },
    ],
    'POST /v1/patients': () => [
      '/v1/patients',
      { patientDid: did(), publicKeyJwk: generatePatientKey().publicJwk },
    ],
    'POST /v1/studies': () => [
      '/v1/studies',
      {
        studyId: `study-authz-${randomBytes(4).toString('hex')}`,
        categories: ['diagnosis'],
        maxLevel: 3,
        periodStart: new Date(Date.now() - 60_000).toISOString(),
        periodEnd: new Date(Date.now() + 86_400_000).toISOString(),
        ethicsApprovalRef: 'IRB-authz',
      },
    ],
  };
  const table: Record<string, Record<string, Decision>> = {
    'POST /v1/staff': {
      h1Admin: 'allow',
      h2Admin: 'allow',
      h1Attending: 'deny',
      h1Nurse: 'deny',
      researcher: 'deny',
      auditor: 'deny',
      patient: 'deny',
    },
    'POST /v1/patients': {
      h1Admin: 'allow',
      h1Attending: 'allow',
      h1Nurse: 'allow',
      researcher: 'deny',
      auditor: 'deny',
      resAdmin: 'deny',
      regAdmin: 'deny',
      patient: 'deny',
    },
    'POST /v1/studies': {
      researcher: 'allow',
      resAdmin: 'deny',
      h1Admin: 'deny',
      h1Attending: 'deny',
      auditor: 'deny',
      patient: 'deny',
    },
  };

  for (const [endpoint, row] of Object.entries(table)) {
    it(`when every role calls ${endpoint}, then the decisions match the table and denials write nothing`, async () => {
      const mismatches: string[] = [];
      for (const [who, expected] of Object.entries(row)) {
        const [path, body] = (requests[endpoint] ?? (() => ['', {}]))();
        const before = (await convergedTip(info)).height;
        const res = await callers[who]?.post(path, body);
        const got: Decision = res !== undefined && res.status < 300 ? 'allow' : 'deny';
        if (got !== expected) mismatches.push(`${who}: expected ${expected}, got ${String(res?.status)}`);
        if (got === 'deny') {
          if (res === undefined || res.status < 400 || res.status >= 500)
            mismatches.push(`${who}: ${String(res?.status)}`);
          const after = (await convergedTip(info)).height;
          if (after !== before) mismatches.push(`${who}: a denial wrote a block`);
        }
      }
      assert.deepEqual(mismatches, []);
    });
  }

  it('when chaincode transactions are invoked directly with the SDK by roles that may not, then the chaincode refuses them', async () => {
    const cases: [string, string, string, unknown][] = [
      [
        'Hospital1',
        'hospital1-nurse-1',
        'identity:RegisterStaff',
        { enrollmentId: `x-${run}`, role: 'admin', department: null },
      ],
      [
        'Research',
        'research-researcher-1',
        'identity:RegisterPatient',
        { patientDid: did(), publicKeyJwk: generatePatientKey().publicJwk },
      ],
      [
        'Regulator',
        'regulator-auditor-1',
        'study:RegisterStudy',
        {
          studyId: `s-${run}`,
          categories: ['diagnosis'],
          maxLevel: 3,
          periodStart: '2026-01-01T00:00:00Z',
          periodEnd: '2027-01-01T00:00:00Z',
          ethicsApprovalRef: 'x',
        },
      ],
      [
        'Hospital2',
        'hospital2-nurse-1',
        'record:EraseRecordContent',
        { recordId: `rec-${run}`, reason: 'patient_request' },
      ],
      // Refused as BENCH_LOADER_DISABLED without the benchmark flag, FORBIDDEN with it.
      ['Hospital1', 'hospital1-nurse-1', 'bench:LoadSyntheticAuditEvents', { count: 1 }],
    ];
    const accepted: string[] = [];
    for (const [org, user, fn, arg] of cases) {
      const { gateway, client } = gatewayFor(info, org, user);
      try {
        await gateway
          .getNetwork(info.channel)
          .getContract(info.chaincode)
          .submitTransaction(fn, JSON.stringify(arg));
        accepted.push(`${user} ${fn}`);
      } catch (err) {
        const details = (err as { details?: { message: string }[] }).details ?? [];
        const text = [(err as Error).message, ...details.map((d) => d.message)].join(' ');
        if (!/\[[A-Z_]+\]/.test(text))
          accepted.push(`${user} ${fn}: not a coded refusal: ${text.slice(0, 200)}`);
      } finally {
        gateway.close();
        client.close();
      }
    }
    assert.deepEqual(accepted, []);
  });
});
