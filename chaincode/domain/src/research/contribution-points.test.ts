import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { canonicalJson } from '../canonical-json';
import {
  CONTRIBUTION_POINTS,
  contributionAwardSchema,
  contributionAwardTag,
  newContributionAwards,
  pointsBalance,
} from './contribution-points';

const txId = (n: number) => n.toString(16).padStart(64, '0');
const contribution = (studyId: string, site: string, n: number) => ({
  studyId,
  site,
  txId: txId(n),
  txTime: '2026-11-29T10:00:00.000Z',
});

void describe('contribution points', () => {
  void it('when a patient had several records in one contribution, then they get one flat award that names no record, count or pseudonym', () => {
    const key = randomBytes(32);
    const patient = `did:medledger:patient:p-${randomBytes(4).toString('hex')}`;
    const other = `did:medledger:patient:q-${randomBytes(4).toString('hex')}`;
    const awards = newContributionAwards(
      key,
      contribution('study-p1', 'Hospital1MSP', 1),
      [patient, other, patient, patient],
      new Set(),
    );
    assert.equal(awards.length, 2);
    for (const a of awards) {
      assert.deepEqual(Object.keys(contributionAwardSchema.parse(a.award)).sort(), [
        'awardedAt',
        'contributionTxId',
        'points',
        'site',
        'studyId',
      ]);
      assert.equal(a.award.points, CONTRIBUTION_POINTS);
      assert.ok(!canonicalJson(a.award).includes('patient'), 'the award itself never names the patient');
    }
  });

  void it('when the same site contribution is verified again, then nothing more is awarded; another site or study awards again', () => {
    const key = randomBytes(32);
    const patient = `did:medledger:patient:p-${randomBytes(4).toString('hex')}`;
    const first = newContributionAwards(
      key,
      contribution('study-p2', 'Hospital1MSP', 2),
      [patient],
      new Set(),
    );
    const awarded = new Set(first.map((a) => a.tag));
    assert.deepEqual(
      newContributionAwards(key, contribution('study-p2', 'Hospital1MSP', 3), [patient], awarded),
      [],
    );
    assert.equal(
      newContributionAwards(key, contribution('study-p2', 'Hospital2MSP', 4), [patient], awarded).length,
      1,
    );
    assert.equal(
      newContributionAwards(key, contribution('study-p3', 'Hospital1MSP', 5), [patient], awarded).length,
      1,
    );
    assert.equal(
      pointsBalance([...first.map((a) => a.award), ...first.map((a) => a.award)]),
      2 * CONTRIBUTION_POINTS,
    );
  });

  void it('when tags are computed, then they depend on the key and on each input, with the fields kept apart', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        (k1, k2, a, b) => {
          const base = { studyId: a, site: 'Hospital1MSP', patientDid: b };
          const tag = contributionAwardTag(k1, base);
          assert.match(tag, /^[0-9a-f]{64}$/);
          if (Buffer.compare(Buffer.from(k1), Buffer.from(k2)) !== 0)
            assert.notEqual(contributionAwardTag(k2, base), tag);
          // Moving a character between fields must not give the same tag.
          assert.notEqual(
            contributionAwardTag(k1, { ...base, studyId: a + b.slice(0, 1), patientDid: b.slice(1) }),
            tag,
          );
        },
      ),
    );
  });
});
