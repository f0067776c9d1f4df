import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { approvalMatches } from './lifecycle';

/** What `peer lifecycle chaincode queryapproved --output json` prints (Go's JSON of the result). */
function queryApproved(version: string, packageId: string | undefined): string {
  const source =
    packageId === undefined
      ? { Type: { Unavailable: {} } }
      : { Type: { LocalPackage: { package_id: packageId } } };
  return `2026-01-01 INFO something\n${JSON.stringify({ sequence: 4, version, source }, null, '\t')}\n`;
}

describe("an org's approval of the chaincode definition", () => {
  it('when it approved this version with this package, then it matches, and another version or package does not', () => {
    const pkg = `medledger_0_1_1_hospital1:${randomBytes(32).toString('hex')}`;
    assert.equal(approvalMatches(queryApproved('0.1.1', pkg), '0.1.1', pkg), true);
    assert.equal(approvalMatches(queryApproved('rogue', pkg), '0.1.1', pkg), false);
    assert.equal(approvalMatches(queryApproved('0.1.1', `${pkg}0`), '0.1.1', pkg), false);
    assert.equal(approvalMatches(queryApproved('0.1.1', undefined), '0.1.1', pkg), false);
    assert.equal(approvalMatches('Error: no approval', '0.1.1', pkg), false);
  });
});
