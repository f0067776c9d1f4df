import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  addCounts,
  countSignatureChecks,
  memberPolicyChecks,
  signatureRatios,
  splitWindow,
  signatureTable,
  type SignatureRow,
} from './signature-checks';

const ESC = '\u001b';

/** A Fabric debug line as a peer writes it, colours included. */
function line(logger: string, fn: string, text: string): string {
  return `${ESC}[36m2026-12-03 10:13:05.779 UTC 00b3 DEBU${ESC}[0m [${logger}] ${ESC}[36;1m${fn}${ESC}[0m -> ${text}`;
}

const evaluating = (type: string, path: string): string =>
  line('policies', 'EvaluateSignedData', `== Evaluating ${type} Policy ${path} ==`);
const validated = (i: number): string =>
  line('policies', 'SignatureSetToValidIdentities', `signature for identity ${String(i)} validated`);

/**
 * What a peer logs when a gossip message from a Hospital1 peer is checked against `ANY Readers` and
 * the orgs' policies are tried Regulator first: two tries, each verifying the one signature.
 */
const GOSSIP_CHECK = [
  evaluating('*policies.ImplicitMetaPolicy', '/Channel/Application/Readers'),
  line(
    'policies',
    'EvaluateSignedData',
    'This is an implicit meta policy, it will trigger other policy evaluations, whose failures may be benign',
  ),
  evaluating('*cauthdsl.policy', '/Channel/Application/Regulator/Readers'),
  validated(0),
  line(
    'policies',
    'EvaluateSignedData',
    'Signature set did not satisfy policy /Channel/Application/Regulator/Readers',
  ),
  line(
    'policies',
    'EvaluateSignedData',
    '== Done Evaluating *cauthdsl.policy Policy /Channel/Application/Regulator/Readers',
  ),
  evaluating('*cauthdsl.policy', '/Channel/Application/Hospital1/Readers'),
  validated(0),
  line('policies', 'EvaluateSignedData', 'Signature set satisfies policy /Channel/Application/Readers'),
];

void describe("counting Fabric's signature verifications from its debug log", () => {
  void it("when a gossip message is checked against ANY Readers, then each org policy tried counts one verification, all of them gossip's", () => {
    const c = countSignatureChecks(GOSSIP_CHECK.join('\n'));
    assert.equal(c.verifications, 2);
    assert.equal(c.readersVerifications, 2);
    assert.deepEqual(c.evaluations, {
      '/Channel/Application/Readers': 1,
      '/Channel/Application/Regulator/Readers': 1,
      '/Channel/Application/Hospital1/Readers': 1,
    });
    assert.deepEqual(memberPolicyChecks(c, 'Readers'), { checks: 1, orgTries: 2 });
    assert.deepEqual(memberPolicyChecks(c, 'Writers'), { checks: 0, orgTries: 0 });
  });

  void it("when the channel's Readers is one signature policy, then a gossip message costs one verification", () => {
    const c = countSignatureChecks(
      [evaluating('*cauthdsl.policy', '/Channel/Application/Readers'), validated(0)].join('\n'),
    );
    assert.deepEqual([c.verifications, c.readersVerifications], [1, 1]);
    assert.deepEqual(memberPolicyChecks(c, 'Readers'), { checks: 1, orgTries: 0 });
  });

  void it("when a transaction commits, then the creator check and each endorsement's signature count, from the committer's and the endorser's loggers alike", () => {
    const log = [
      line('protoutils', 'checkSignatureFromCreator', 'creator is valid'),
      line('endorser', 'Validate', 'creator is valid'),
      validated(0),
      validated(1),
      line('policies', 'SignatureSetToValidIdentities', 'signature for identity 1 is invalid: bad'),
      line('gossip.comm', 'func1', 'unrelated'),
      '',
    ].join('\n');
    assert.equal(countSignatureChecks(log).verifications, 4);
    assert.deepEqual(countSignatureChecks('').evaluations, {});
  });

  void it("when a window of operations is counted, then all but gossip's verifications are shared per operation and gossip's given per second", () => {
    const commit = {
      verifications: 18,
      readersVerifications: 0,
      evaluations: { '/Channel/Application/Writers': 3 },
    };
    const busy = addCounts([countSignatureChecks(GOSSIP_CHECK.join('\n')), commit]);
    assert.deepEqual([busy.verifications, busy.readersVerifications], [20, 2]);
    assert.equal(busy.evaluations['/Channel/Application/Writers'], 3);
    assert.deepEqual(splitWindow(busy, 3, 4), { perOp: 6, gossipPerSecond: 0.5 });
    assert.deepEqual(splitWindow(busy, 0, 4), { perOp: 0, gossipPerSecond: 0.5 });
  });

  void it('when rows are reported, then each shows the verifications of all peers and of one on average, and the second form as a ratio of the first', () => {
    const row = (policies: string, peers: number, orderers: number): SignatureRow => ({
      policies,
      workload: 'empty transaction',
      ops: 2,
      seconds: 2,
      peerCount: 6,
      peers: {
        verifications: peers + 12,
        readersVerifications: 12,
        evaluations: { '/Channel/Application/Writers': 2, '/Channel/Application/Hospital1/Writers': 6 },
      },
      orderers: { verifications: orderers, readersVerifications: 0, evaluations: {} },
    });
    const rows = [row('implicit', 84, 8), row('signature', 54, 2)];
    const table = signatureTable([...rows, { ...row('implicit', 0, 0), workload: 'idle network', ops: 0 }]);
    assert.equal(table.length, 5);
    assert.equal(table[2], '| empty transaction | implicit | 42.0 | 7.0 | 4.0 | 1.0 (3.0) | 1.0 |');
    assert.equal(table[4], '| idle network | implicit | – | – | – | – | 1.0 |');
    assert.deepEqual(signatureRatios(rows, ['implicit', 'signature']).slice(2), [
      '| empty transaction | 0.64 | 0.25 | 1.00 |',
    ]);
  });
});
