import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  datasetHash,
  sha256Hex,
  type Contribution,
  type RecordAnchor,
  type StudyCredit,
  type StudyTask,
} from '@medledger/domain';
import type { FakeSigner } from './testing/fake-identity';
import { accessRecord, anchor, condition, readRecord, studyConsent } from './testing/fixtures';
import {
  daysFromNow,
  Harness,
  registerPatient,
  registerStaff,
  uid,
  type TestPatient,
} from './testing/harness';

const H1 = 'Hospital1MSP';
const H2 = 'Hospital2MSP';
const LEAD_ENDORSERS = ['ResearchMSP', 'RegulatorMSP'];

/** The value, or a test failure when it is missing. */
function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('missing fixture');
  return value;
}

interface Released {
  readonly record: RecordAnchor;
  readonly accessId: string;
  readonly patient: TestPatient;
}

interface Study {
  h: Harness;
  studyId: string;
  lead: FakeSigner;
  admin1: FakeSigner;
  admin2: FakeSigner;
  /** Two records of one patient and one of another, at Hospital1, each released to the study. */
  h1: Released[];
  /** A record at Hospital2, whose committee rejected: its research access was denied. */
  h2Record: RecordAnchor;
}

/** A 1-of-2 study: Hospital2 rejects, Hospital1 approves, the lead activates; data released from Hospital1. */
async function activeStudy(): Promise<Study> {
  const h = new Harness();
  const lead = await registerStaff(h, 'ResearchMSP', 'researcher', null);
  const studyId = uid('work-study');
  await h.submit(lead, 'study:ProposeStudy', {
    studyId,
    categories: ['diagnosis'],
    maxLevel: 3,
    periodStart: daysFromNow(h, -1),
    periodEnd: daysFromNow(h, 365),
    sites: [H1, H2],
    quorum: { kind: 'atLeast', sites: 1 },
    protocolHash: sha256Hex(`protocol ${studyId}`),
  });
  for (const [org, decision] of [
    [H2, 'rejected'],
    [H1, 'approved'],
  ] as const) {
    const ethics = await registerStaff(h, org, 'ethics', null);
    await h.submit(ethics, 'study:DecideStudy', { studyId, decision, protocolVersion: 1 });
  }
  await h.submit(lead, 'study:ChangeStudy', { studyId, action: 'activate' }, { endorsers: LEAD_ENDORSERS });
  const attending1 = await registerStaff(h, H1, 'attending', 'cardiology');
  const attending2 = await registerStaff(h, H2, 'attending', 'cardiology');
  const [p1, p2] = [await registerPatient(h), await registerPatient(h)];
  const h1: Released[] = [];
  for (const patient of [p1, p1, p2]) {
    const record = (await anchor(h, attending1, patient, { resource: condition() })).anchor;
    const consent = await studyConsent(h, patient, studyId);
    const decision = await accessRecord(h, lead, record, { purpose: 'research', studyId }, [consent]);
    assert.equal(decision.outcome, 'granted');
    h1.push({ record, accessId: decision.accessId, patient });
  }
  const h2Record = (await anchor(h, attending2, p1, { resource: condition() })).anchor;
  const denied = await accessRecord(h, lead, h2Record, { purpose: 'research', studyId }, [
    await studyConsent(h, p1, studyId),
  ]);
  assert.equal(denied.reason, 'STUDY_SITE_NOT_APPROVED');
  return {
    h,
    studyId,
    lead,
    admin1: await registerStaff(h, H1, 'admin', null),
    admin2: await registerStaff(h, H2, 'admin', null),
    h1,
    h2Record,
  };
}

function assign(s: Study, site: string, recordCount: number, who = s.lead, taskId = uid('task')) {
  return s.h.submit<StudyTask>(
    who,
    'studywork:AssignStudyTask',
    {
      studyId: s.studyId,
      taskId,
      site,
      cohort: { criteriaId: 'hypertension-adults', criteriaHash: sha256Hex('criteria') },
      recordCount,
      dueDate: daysFromNow(s.h, 30),
    },
    { endorsers: LEAD_ENDORSERS },
  );
}

type Item = { recordId: string; version: number; accessId: string; contentHash: string };

function item(r: Released): Item {
  return {
    recordId: r.record.recordId,
    version: r.record.version,
    accessId: r.accessId,
    contentHash: r.record.contentHash,
  };
}

function contribute(
  s: Study,
  who: FakeSigner,
  taskId: string,
  items: Item[],
  hash = datasetHash(items),
  endorsers?: string[],
) {
  return s.h.submit<Contribution>(
    who,
    'studywork:RecordContribution',
    { studyId: s.studyId, taskId, datasetHash: hash },
    {
      transient: {
        records: items.map(({ recordId, version, accessId }) => ({ recordId, version, accessId })),
      },
      ...(endorsers === undefined ? {} : { endorsers }),
    },
  );
}

function credit(s: Study, who: FakeSigner) {
  return s.h.evaluate<StudyCredit>(who, 'studywork:GetStudyCredit', { studyId: s.studyId });
}

void describe('StudyWorkContract: tasks, contributions and credit', () => {
  void it('when the approving site records the records it released, then the ledger counts them, credits the site and every party sees the table', async () => {
    const s = await activeStudy();
    const t1 = (await assign(s, H1, 3)).result;
    await assign(s, H2, 5);
    const items = s.h1.map(item);
    const { result, tx } = await contribute(s, s.admin1, t1.taskId, items);
    assert.equal(tx.status, 'VALID');
    assert.deepEqual(
      [
        result.site,
        result.recordCount,
        result.passedRecords,
        result.quality,
        result.verified,
        result.datasetHash,
      ],
      [H1, 3, 3, { accepted: 3, reviewed: 0, pending: 0 }, true, datasetHash(items)],
    );
    assert.equal(tx.event?.name, 'ContributionRecorded');
    const ethics2 = await registerStaff(s.h, H2, 'ethics', null);
    const auditor = await registerStaff(s.h, 'RegulatorMSP', 'auditor', null);
    for (const who of [s.lead, s.admin1, ethics2, auditor]) {
      const table = await credit(s, who);
      assert.deepEqual(
        table.sites.map((l) => [l.site, l.decision, l.quota, l.verifiedRecords, l.credit]),
        [
          [H1, 'approved', 3, 3, 10_000],
          [H2, 'rejected', 5, 0, 0],
        ],
      );
      assert.equal(table.contributions.length, 1);
      assert.equal(table.tasks.length, 2);
    }
  });

  void it('when a site inflates its dataset, sends it again, or names a record never released to the study, then nothing is recorded', async () => {
    const s = await activeStudy();
    const task = (await assign(s, H1, 10)).result.taskId;
    const [a, b, c] = s.h1.map(item) as [Item, Item, Item];
    const inflated = [a, b, c, { ...a, recordId: 'rec-invented' }];
    await assert.rejects(
      contribute(s, s.admin1, task, [a, b], datasetHash(inflated)),
      /\[CONTENT_MISMATCH\] datasetHash/,
    );
    await assert.rejects(
      contribute(s, s.admin1, task, [a, { ...b, accessId: c.accessId }]),
      /\[ACCESS_NOT_GRANTED\]/,
    );
    await assert.rejects(contribute(s, s.admin1, task, [a, { ...b, version: 2 }]), /\[NOT_FOUND\]/);
    assert.equal((await contribute(s, s.admin1, task, [a])).result.recordCount, 1);
    await assert.rejects(
      contribute(s, s.admin1, task, [a, b]),
      /\[CONFLICT\]/,
      'a record counts once per study',
    );
    const table = await credit(s, s.lead);
    assert.deepEqual(
      table.sites.map((l) => [l.site, l.verifiedRecords]),
      [
        [H1, 1],
        [H2, 0],
      ],
    );
  });

  void it("when the rejecting site contributes, or the approving site slips in the rejecting site's record, then both are refused", async () => {
    const s = await activeStudy();
    const t2 = (await assign(s, H2, 5)).result.taskId;
    const t1 = (await assign(s, H1, 5)).result.taskId;
    const sneaked: Item = {
      recordId: s.h2Record.recordId,
      version: 1,
      accessId: must(s.h1[0]).accessId,
      contentHash: s.h2Record.contentHash,
    };
    await assert.rejects(
      contribute(s, s.admin2, t2, [sneaked]),
      /\[FORBIDDEN\] Hospital2MSP STUDY_SITE_NOT_APPROVED/,
    );
    await assert.rejects(contribute(s, s.admin1, t1, [item(must(s.h1[0])), sneaked]), /\[NOT_FOUND\]/);
    await assert.rejects(
      contribute(s, s.admin1, t2, [item(must(s.h1[0]))]),
      /\[NOT_FOUND\]/,
      "another site's task",
    );
  });

  void it('when the lead assigns a task to its own org, a non-lead assigns one, or the lead records a contribution, then each is refused', async () => {
    const s = await activeStudy();
    await assert.rejects(assign(s, 'ResearchMSP', 1000), /\[VALIDATION_FAILED\] site/);
    const ethics1 = await registerStaff(s.h, H1, 'ethics', null);
    await assert.rejects(assign(s, H1, 10, ethics1), /\[FORBIDDEN\]/);
    await assert.rejects(assign(s, H1, 10, s.admin1), /\[FORBIDDEN\]/);
    const task = (await assign(s, H1, 10)).result.taskId;
    await assert.rejects(assign(s, H1, 10, s.lead, task), /\[ALREADY_EXISTS\]/);
    await assert.rejects(contribute(s, s.lead, task, [item(must(s.h1[0]))]), /\[FORBIDDEN\]/);
    await assert.rejects(
      s.h.submit(
        s.lead,
        'studywork:AssignStudyTask',
        {
          studyId: s.studyId,
          taskId: uid('late'),
          site: H1,
          cohort: { criteriaId: 'c', criteriaHash: sha256Hex('c') },
          recordCount: 1,
          dueDate: daysFromNow(s.h, -1),
        },
        { endorsers: LEAD_ENDORSERS },
      ),
      /\[VALIDATION_FAILED\] dueDate/,
    );
  });

  void it("when a site's contribution is endorsed without the site (the lead's org and the regulator), then it does not commit", async () => {
    const s = await activeStudy();
    const task = (await assign(s, H1, 10)).result.taskId;
    // Research's peer holds no Hospital1 collection: it cannot even simulate the checks.
    await assert.rejects(
      contribute(s, s.admin1, task, [item(must(s.h1[0]))], undefined, LEAD_ENDORSERS),
      /private data/,
    );
    assert.equal((await credit(s, s.lead)).contributions.length, 0);
  });
});

void describe('StudyWorkContract: contribution points', () => {
  void it('when a contribution used two records of one patient and one of another, then each patient sees one flat award and nothing joins it to the pseudonym', async () => {
    const s = await activeStudy();
    const task = (await assign(s, H1, 10)).result.taskId;
    const items = s.h1.map(item);
    const { tx } = await contribute(s, s.admin1, task, items);
    const [p1, p2] = [must(s.h1[0]).patient, must(s.h1[2]).patient];
    const gateway = await registerStaff(s.h, H1, 'admin', null);
    const points = (patientDid: string, who = gateway) =>
      s.h.evaluate<{ awards: Record<string, unknown>[]; balance: number }>(
        who,
        'studywork:GetContributionPoints',
        { patientDid },
      );
    const mine = await points(p1.did);
    assert.deepEqual(mine.awards, [
      {
        studyId: s.studyId,
        site: H1,
        contributionTxId: tx.txId,
        points: 10,
        awardedAt: mine.awards[0]?.awardedAt,
      },
    ]);
    assert.equal(mine.balance, 10);
    assert.equal((await points(p2.did)).balance, 10);
    const regulator = await registerStaff(s.h, 'RegulatorMSP', 'auditor', null);
    assert.equal(
      (await points(p1.did, regulator)).balance,
      10,
      "the regulator's peer holds every site's awards",
    );
    await assert.rejects(points(p1.did, s.lead), /\[FORBIDDEN\]/, 'a researcher never reads awards');

    // The researcher holds pseudonyms (from the de-identified reads); nothing public about the
    // contribution names a patient, a record or a pseudonym, and no award carries one.
    const read = await readRecord(s.h, s.lead, must(s.h1[0]).record, must(s.h1[0]).accessId);
    const pseudonym = JSON.stringify(read).match(/"reference":"Patient\/([^"]+)"/)?.[1] ?? '';
    assert.ok(pseudonym.length > 0, 'the read names the subject by its pseudonym');
    const block = s.h.ledger.blocks.find((b) => b.txId === tx.txId);
    const visible = JSON.stringify({
      args: block?.args,
      response: block?.response,
      event: block?.event?.payload.toString(),
      writes: block?.writes.map(([k, v]) => [k, v?.toString()]),
    });
    for (const secret of [p1.did, p2.did, pseudonym, ...items.map((i) => i.recordId)]) {
      assert.equal(visible.includes(secret), false, `public trace holds ${secret}`);
    }
    assert.equal(JSON.stringify(mine).includes(pseudonym), false);
  });

  void it('when the same site contributes other records of the same patient, then the patient is not awarded twice', async () => {
    const s = await activeStudy();
    const task = (await assign(s, H1, 10)).result.taskId;
    await contribute(s, s.admin1, task, [item(must(s.h1[0]))]);
    await contribute(s, s.admin1, task, [item(must(s.h1[1]))]);
    const gateway = await registerStaff(s.h, H1, 'admin', null);
    const mine = await s.h.evaluate<{ balance: number }>(gateway, 'studywork:GetContributionPoints', {
      patientDid: must(s.h1[0]).patient.did,
    });
    assert.equal(mine.balance, 10);
  });
});
