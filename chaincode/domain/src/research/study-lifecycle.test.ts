import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  applyStudyAction,
  proposeStudy,
  quorumStatus,
  requiredApprovals,
  siteMayContribute,
  studyState,
  type QuorumRule,
  type StudyAction,
  type StudyGovernance,
  type StudyParty,
} from './study-lifecycle';

const hash = (n: number) => n.toString(16).padStart(64, '0');
const LEAD: StudyParty = { kind: 'lead' };
const ethics = (site: string): StudyParty => ({ kind: 'ethics', site });

function apply(study: StudyGovernance, party: StudyParty, action: StudyAction): StudyGovernance {
  const result = applyStudyAction(study, party, action);
  if (!result.ok) assert.fail(`${action.type} refused: ${result.code} ${result.detail}`);
  return result.study;
}

function decide(study: StudyGovernance, site: string, decision: 'approved' | 'rejected') {
  return apply(study, ethics(site), { type: 'decide', decision, protocolVersion: study.protocolVersion });
}

const THREE = ['Hospital3MSP', 'Hospital1MSP', 'Hospital2MSP'];

void describe('study lifecycle: the multi-center story', () => {
  void it('when two of three sites approve a 2-of-3 study and one rejects, then it is approved and only approving sites contribute', () => {
    let study = proposeStudy({ sites: THREE, quorum: { kind: 'atLeast', sites: 2 }, protocolHash: hash(1) });
    assert.deepEqual(study.sites, ['Hospital1MSP', 'Hospital2MSP', 'Hospital3MSP']);
    study = decide(study, 'Hospital1MSP', 'approved');
    assert.equal(studyState(study), 'proposed');
    study = decide(study, 'Hospital3MSP', 'rejected');
    assert.equal(studyState(study), 'proposed');
    study = decide(study, 'Hospital2MSP', 'approved');
    assert.equal(studyState(study), 'approved');
    assert.equal(siteMayContribute(study, 'Hospital1MSP'), false, 'not before activation');
    study = apply(study, LEAD, { type: 'activate' });
    assert.equal(studyState(study), 'active');
    assert.equal(siteMayContribute(study, 'Hospital1MSP'), true);
    assert.equal(siteMayContribute(study, 'Hospital2MSP'), true);
    assert.equal(siteMayContribute(study, 'Hospital3MSP'), false);
    assert.equal(siteMayContribute(study, 'Hospital9MSP'), false);
  });

  void it('when an active study is amended, then approval re-opens on the new version and nobody contributes', () => {
    let study = proposeStudy({ sites: THREE, quorum: { kind: 'all' }, protocolHash: hash(2) });
    for (const site of THREE) study = decide(study, site, 'approved');
    study = apply(study, LEAD, { type: 'activate' });
    const amended = apply(study, LEAD, { type: 'amend', protocolHash: hash(3) });
    assert.equal(studyState(amended), 'proposed');
    assert.equal(amended.protocolVersion, 2);
    assert.deepEqual(amended.decisions, {});
    assert.equal(
      THREE.some((s) => siteMayContribute(amended, s)),
      false,
    );
    const stale = applyStudyAction(amended, ethics('Hospital1MSP'), {
      type: 'decide',
      decision: 'approved',
      protocolVersion: 1,
    });
    assert.deepEqual(stale, { ok: false, code: 'CONFLICT', detail: 'protocolVersion' });
  });

  void it('when an active study loses its quorum, then it is suspended until the quorum is back; a suspension by a party needs the lead to resume', () => {
    let study = proposeStudy({ sites: THREE, quorum: { kind: 'atLeast', sites: 2 }, protocolHash: hash(4) });
    study = decide(decide(study, 'Hospital1MSP', 'approved'), 'Hospital2MSP', 'approved');
    study = apply(study, LEAD, { type: 'activate' });
    study = decide(study, 'Hospital2MSP', 'rejected');
    assert.equal(studyState(study), 'suspended');
    assert.equal(siteMayContribute(study, 'Hospital1MSP'), false);
    assert.deepEqual(applyStudyAction(study, LEAD, { type: 'resume' }), {
      ok: false,
      code: 'CONFLICT',
      detail: 'phase',
    });
    study = decide(study, 'Hospital3MSP', 'approved');
    assert.equal(studyState(study), 'active', 'the quorum is back');
    assert.equal(siteMayContribute(study, 'Hospital2MSP'), false);
    study = apply(study, ethics('Hospital3MSP'), { type: 'suspend' });
    assert.equal(studyState(study), 'suspended');
    study = decide(study, 'Hospital2MSP', 'approved');
    assert.equal(studyState(study), 'suspended', 'held until the lead resumes');
    study = decide(decide(study, 'Hospital1MSP', 'rejected'), 'Hospital2MSP', 'rejected');
    assert.deepEqual(applyStudyAction(study, LEAD, { type: 'resume' }), {
      ok: false,
      code: 'CONFLICT',
      detail: 'quorum',
    });
    study = decide(study, 'Hospital1MSP', 'approved');
    study = apply(study, LEAD, { type: 'resume' });
    assert.equal(studyState(study), 'active');
  });

  void it('when the wrong party acts or the state does not allow it, then the action is refused', () => {
    const study = proposeStudy({ sites: THREE, quorum: { kind: 'all' }, protocolHash: hash(5) });
    const refusals: [StudyParty, StudyAction, string][] = [
      [LEAD, { type: 'decide', decision: 'approved', protocolVersion: 1 }, 'FORBIDDEN'],
      [ethics('Hospital9MSP'), { type: 'decide', decision: 'approved', protocolVersion: 1 }, 'FORBIDDEN'],
      [ethics('Hospital1MSP'), { type: 'amend', protocolHash: hash(6) }, 'FORBIDDEN'],
      [{ kind: 'regulator' }, { type: 'activate' }, 'FORBIDDEN'],
      [LEAD, { type: 'activate' }, 'CONFLICT'],
      [LEAD, { type: 'resume' }, 'CONFLICT'],
      [LEAD, { type: 'suspend' }, 'CONFLICT'],
      [LEAD, { type: 'amend', protocolHash: hash(5) }, 'CONFLICT'],
      [LEAD, { type: 'amend', protocolHash: 'ABC' }, 'VALIDATION_FAILED'],
    ];
    for (const [party, action, code] of refusals) {
      const result = applyStudyAction(study, party, action);
      assert.equal(result.ok ? 'ok' : result.code, code, `${party.kind} ${action.type}`);
    }
    const closed = apply(study, { kind: 'regulator' }, { type: 'close' });
    for (const action of [{ type: 'close' }, { type: 'amend', protocolHash: hash(7) }] as const) {
      const result = applyStudyAction(closed, LEAD, action);
      assert.equal(result.ok ? 'ok' : result.code, 'CONFLICT', `closed is final: ${action.type}`);
    }
  });
});

// An independent statement of the quorum: count approvals per site and compare with N (or M).
function quorumOracle(sites: string[], rule: QuorumRule, decisions: Record<string, string>): boolean {
  const needed = rule.kind === 'all' ? sites.length : Math.min(rule.sites, sites.length);
  return sites.filter((s) => decisions[s] === 'approved').length >= needed;
}

const sitesArb = fc
  .uniqueArray(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 })
  .map((ns) => ns.map((n) => `Hospital${n}MSP`));
const ruleArb: fc.Arbitrary<QuorumRule> = fc.oneof(
  fc.constant({ kind: 'all' as const }),
  fc.integer({ min: 1, max: 10 }).map((n) => ({ kind: 'atLeast' as const, sites: n })),
);

void describe('study lifecycle: properties', () => {
  void it('when decisions are arbitrary, then the quorum status agrees with a plain count and its parts add up', () => {
    fc.assert(
      fc.property(
        sitesArb,
        ruleArb,
        fc.array(fc.constantFrom('approved', 'rejected', 'none')),
        (sites, quorum, picks) => {
          const decisions: Record<string, 'approved' | 'rejected'> = {};
          sites.forEach((site, i) => {
            const pick = picks[i] ?? 'none';
            if (pick !== 'none') decisions[site] = pick;
          });
          const status = quorumStatus({ sites, quorum, decisions });
          assert.equal(status.reached, quorumOracle(sites, quorum, decisions));
          assert.equal(status.approvals + status.rejections + status.pending, sites.length);
          assert.equal(status.required, requiredApprovals(quorum, sites.length));
          assert.ok(!(status.reached && status.unreachable));
        },
      ),
    );
  });

  const partyArb = (sites: string[]): fc.Arbitrary<StudyParty> =>
    fc.oneof(
      fc.constant(LEAD),
      fc.constant({ kind: 'regulator' as const }),
      fc.constantFrom(...sites, 'Hospital99MSP').map(ethics),
    );
  const actionArb: fc.Arbitrary<StudyAction> = fc.oneof(
    fc.record({
      type: fc.constant('decide' as const),
      decision: fc.constantFrom('approved' as const, 'rejected' as const),
      protocolVersion: fc.integer({ min: 1, max: 3 }),
    }),
    fc.integer({ min: 1, max: 4 }).map((n) => ({ type: 'amend' as const, protocolHash: hash(n) })),
    fc.constantFrom(
      { type: 'activate' as const },
      { type: 'suspend' as const },
      { type: 'resume' as const },
      { type: 'close' as const },
    ),
  );

  void it('when any sequence of actions is applied, then active and approved studies hold their quorum, data flows only from approving sites, and closed is final', () => {
    fc.assert(
      fc.property(
        sitesArb.chain((sites) =>
          fc.tuple(
            fc.constant(sites),
            ruleArb,
            fc.array(fc.tuple(partyArb(sites), actionArb), { maxLength: 40 }),
          ),
        ),
        ([sites, quorum, steps]) => {
          let study = proposeStudy({ sites, quorum, protocolHash: hash(1) });
          for (const [party, action] of steps) {
            const before = study;
            const result = applyStudyAction(study, party, action);
            if (!result.ok) continue;
            study = result.study;
            const state = studyState(study);
            assert.notEqual(studyState(before), 'closed', 'nothing leaves closed');
            if (state === 'approved' || state === 'active') {
              assert.ok(quorumOracle(study.sites, study.quorum, study.decisions), state);
            }
            if (state === 'proposed') {
              assert.ok(!quorumOracle(study.sites, study.quorum, study.decisions), 'proposed has no quorum');
            }
            if (action.type === 'amend') {
              assert.equal(study.protocolVersion, before.protocolVersion + 1);
              assert.deepEqual(study.decisions, {});
            } else assert.equal(study.protocolVersion, before.protocolVersion);
            for (const site of [...sites, 'Hospital99MSP']) {
              assert.equal(
                siteMayContribute(study, site),
                state === 'active' && study.decisions[site] === 'approved',
              );
            }
          }
        },
      ),
    );
  });
});
