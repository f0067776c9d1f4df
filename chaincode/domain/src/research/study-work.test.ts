import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ErrorCode } from '../errors';
import { CREDIT_TOTAL } from './credit';
import {
  datasetHash,
  recordContributionTransient,
  studyCredit,
  verifyContribution,
  type ContributionRecordFacts,
} from './study-work';

const H1 = 'Hospital1MSP';
const H2 = 'Hospital2MSP';
const H3 = 'Hospital3MSP';
const LEAD = 'ResearchMSP';

const hex = (): string => randomBytes(32).toString('hex');

type Facts = ContributionRecordFacts & {
  anchor: NonNullable<ContributionRecordFacts['anchor']>;
  grant: NonNullable<ContributionRecordFacts['grant']>;
};

/** A record of `site` released to the study by a granted research access: every check passes. */
function released(site: string, studyId: string, recordId: string): Facts {
  return {
    recordId,
    version: 1,
    accessId: hex(),
    anchor: {
      custodian: site,
      contentHash: hex(),
      qualityStatus: 'accepted',
      reviewed: false,
      erased: false,
    },
    grant: {
      custodian: site,
      recordId,
      version: 1,
      purpose: 'research',
      studyId,
      actorMsp: LEAD,
      deidentify: true,
    },
    alreadyContributed: false,
  };
}

function hashOf(records: readonly ContributionRecordFacts[]): string {
  return datasetHash(
    records.map((r) => ({
      recordId: r.recordId,
      version: r.version,
      contentHash: r.anchor?.contentHash ?? '',
    })),
  );
}

function verify(
  site: string,
  studyId: string,
  records: ContributionRecordFacts[],
  claimedHash = hashOf(records),
) {
  return verifyContribution({ studyId, studyOrg: LEAD, site, claimedHash, records });
}

void describe('contribution verification', () => {
  void it('when every record was released to the study at the site, then the count, verdicts and hash come from the records', () => {
    const studyId = `s-${hex().slice(0, 8)}`;
    const [a, b, c] = [
      released(H1, studyId, 'r-a'),
      released(H1, studyId, 'r-b'),
      released(H1, studyId, 'r-c'),
    ];
    const records = [
      a,
      { ...b, anchor: { ...b.anchor, qualityStatus: 'needs_review' as const, reviewed: true } },
      { ...c, anchor: { ...c.anchor, qualityStatus: 'needs_review' as const } },
    ];
    const verdict = verify(H1, studyId, records);
    assert.deepEqual(verdict, {
      ok: true,
      recordCount: 3,
      quality: { accepted: 1, reviewed: 1, pending: 1 },
      passedRecords: 2,
      datasetHash: hashOf(records),
    });
  });

  void it('when a site claims a dataset hash of other records (a larger dataset), then it is refused as a mismatch', () => {
    const studyId = `s-${hex().slice(0, 8)}`;
    const records = [released(H1, studyId, 'r-a')];
    const inflated = [...records, released(H1, studyId, 'r-b')];
    assert.deepEqual(verify(H1, studyId, records, hashOf(inflated)), {
      ok: false,
      code: ErrorCode.CONTENT_MISMATCH,
      detail: 'datasetHash',
    });
  });

  void it("when a record is another site's (a rejecting site's record sneaked in), then the whole contribution is refused", () => {
    const studyId = `s-${hex().slice(0, 8)}`;
    const records = [released(H1, studyId, 'r-a'), released(H2, studyId, 'r-h2')];
    assert.deepEqual(verify(H1, studyId, records), { ok: false, code: ErrorCode.NOT_FOUND, detail: 'r-h2' });
  });

  void it('when a record was never released by a research access under this study to its org, then it is refused', () => {
    const studyId = `s-${hex().slice(0, 8)}`;
    const base = released(H1, studyId, 'r-a');
    const grant = base.grant;
    const variants: ContributionRecordFacts[] = [
      { ...base, grant: undefined },
      { ...base, grant: { ...grant, studyId: 'another-study' } },
      { ...base, grant: { ...grant, studyId: null, purpose: 'treatment', deidentify: false } },
      { ...base, grant: { ...grant, actorMsp: H2 } },
      { ...base, grant: { ...grant, recordId: 'r-other' } },
      { ...base, grant: { ...grant, version: 2 } },
      { ...base, grant: { ...grant, custodian: H2 } },
      { ...base, grant: { ...grant, deidentify: false } },
    ];
    for (const v of variants) {
      assert.deepEqual(verify(H1, studyId, [v]), {
        ok: false,
        code: ErrorCode.ACCESS_NOT_GRANTED,
        detail: 'r-a',
      });
    }
  });

  void it('when a record was contributed before, is erased, or appears twice, then the contribution is refused', () => {
    const studyId = `s-${hex().slice(0, 8)}`;
    const base = released(H1, studyId, 'r-a');
    assert.equal(verify(H1, studyId, [{ ...base, alreadyContributed: true }]).ok, false);
    assert.deepEqual(verify(H1, studyId, [{ ...base, anchor: { ...base.anchor, erased: true } }]), {
      ok: false,
      code: ErrorCode.CONTENT_UNAVAILABLE,
      detail: 'r-a',
    });
    assert.deepEqual(verify(H1, studyId, [base, base]), {
      ok: false,
      code: ErrorCode.VALIDATION_FAILED,
      detail: 'r-a',
    });
    assert.equal(
      recordContributionTransient.safeParse({
        records: [base, base].map((r) => ({ recordId: r.recordId, version: 1, accessId: r.accessId })),
      }).success,
      false,
    );
  });

  void it('when any verified contribution is checked, then its count is its distinct records and never more (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^r-[a-z0-9]{1,8}$/), { minLength: 1, maxLength: 30 }),
        fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
        (ids, accepted) => {
          const studyId = 's-prop';
          const records = ids.map((id, i) => {
            const r = released(H1, studyId, id);
            return accepted[i] === true
              ? r
              : { ...r, anchor: { ...r.anchor, qualityStatus: 'needs_review' as const } };
          });
          const verdict = verify(H1, studyId, records);
          assert.equal(verdict.ok, true);
          assert.equal(verdict.recordCount, ids.length);
          assert.equal(
            verdict.passedRecords,
            records.filter((r) => r.anchor.qualityStatus === 'accepted').length,
          );
          assert.equal(
            verdict.quality.accepted + verdict.quality.reviewed + verdict.quality.pending,
            ids.length,
          );
        },
      ),
    );
  });

  void it('when one record of any dataset is dropped, added or changed, then the dataset hash changes, and not when reordered (property)', () => {
    const row = fc.record({
      recordId: fc.stringMatching(/^r-[a-z0-9]{1,6}$/),
      version: fc.integer({ min: 1, max: 9 }),
      contentHash: fc.stringMatching(/^[0-9a-f]{64}$/),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(row, { minLength: 2, maxLength: 20, selector: (r) => r.recordId }),
        (rows) => {
          const [first, ...rest] = rows;
          if (first === undefined) return;
          const hash = datasetHash(rows);
          assert.equal(datasetHash([...rows].reverse()), hash);
          assert.notEqual(datasetHash(rows.slice(1)), hash);
          assert.notEqual(datasetHash([...rows, { ...first, recordId: `${first.recordId}x` }]), hash);
          assert.notEqual(datasetHash([{ ...first, version: first.version + 1 }, ...rest]), hash);
        },
      ),
    );
  });
});

void describe('study credit table', () => {
  void it('when two sites deliver within their quotas and the third rejected, then the table shows quotas, records and the formula credit', () => {
    const lines = studyCredit({
      sites: [H3, H1, H2],
      decisions: { [H1]: 'approved', [H2]: 'approved', [H3]: 'rejected' },
      tasks: [
        { site: H1, recordCount: 60 },
        { site: H1, recordCount: 40 },
        { site: H2, recordCount: 100 },
      ],
      contributions: [
        { site: H1, recordCount: 130, passedRecords: 120, verified: true },
        { site: H2, recordCount: 50, passedRecords: 50, verified: true },
      ],
      rounds: [],
    });
    // No round work: data carries the whole weight; H1 min(100, 120) = 100, H2 50: 6667 and 3333.
    assert.deepEqual(
      lines.map((l) => [
        l.site,
        l.decision,
        l.quota,
        l.contributions,
        l.verifiedRecords,
        l.passedRecords,
        l.dataScore,
        l.credit,
      ]),
      [
        [H1, 'approved', 100, 1, 130, 120, 100, 6667],
        [H2, 'approved', 100, 1, 50, 50, 50, 3333],
        [H3, 'rejected', 0, 0, 0, 0, 0, 0],
      ],
    );
  });

  void it('when the lead assigns a task to its own org or to a site outside the study, then that org never appears or earns credit', () => {
    const lines = studyCredit({
      sites: [H1, H2],
      decisions: {},
      tasks: [
        { site: LEAD, recordCount: 1000 },
        { site: H3, recordCount: 1000 },
        { site: H1, recordCount: 10 },
      ],
      contributions: [
        { site: LEAD, recordCount: 1000, passedRecords: 1000, verified: true },
        { site: H3, recordCount: 1000, passedRecords: 1000, verified: true },
        { site: H1, recordCount: 10, passedRecords: 10, verified: true },
      ],
      rounds: [],
    });
    assert.deepEqual(
      lines.map((l) => [l.site, l.credit]),
      [
        [H1, CREDIT_TOTAL],
        [H2, 0],
      ],
    );
  });

  void it('when any tasks and contributions are tabulated, then credits sum to the total or to 0 and a site without a task earns no data credit (property)', () => {
    const site = fc.constantFrom(H1, H2, H3);
    fc.assert(
      fc.property(
        fc.array(fc.record({ site, recordCount: fc.integer({ min: 1, max: 500 }) }), { maxLength: 6 }),
        fc.array(
          fc.record({
            site,
            recordCount: fc.integer({ min: 1, max: 500 }),
            passedRecords: fc.integer({ min: 0, max: 500 }),
          }),
          { maxLength: 8 },
        ),
        (tasks, contributions) => {
          const lines = studyCredit({
            sites: [H1, H2, H3],
            decisions: {},
            tasks,
            contributions: contributions.map((c) => ({ ...c, verified: true as const })),
            rounds: [],
          });
          const total = lines.reduce((a, l) => a + l.credit, 0);
          assert.ok(total === CREDIT_TOTAL || total === 0, `total ${total}`);
          for (const l of lines) {
            if (l.quota === 0) assert.equal(l.dataScore, 0);
            assert.ok(l.dataScore <= l.quota && l.dataScore <= l.passedRecords);
          }
        },
      ),
    );
  });
});
