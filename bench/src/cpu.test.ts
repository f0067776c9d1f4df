import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { networkCpuByRole, noRoleCpu, roleCpuMsPerOp, roleOf } from './cpu';

describe('consortium CPU by role', () => {
  it('when the network names its processes, then each name gives its role', () => {
    assert.equal(roleOf('peer0-hospital1'), 'peers');
    assert.equal(roleOf('peer1-hospital12'), 'peers');
    assert.equal(roleOf('orderer2'), 'orderers');
    assert.equal(roleOf('chaincode-research'), 'chaincode');
    assert.equal(roleOf('chaincode-hospital1-next'), 'chaincode');
    assert.equal(roleOf('gateway-regulator'), 'gateways');
    assert.equal(roleOf('ca-insurer'), 'cas');
    assert.equal(roleOf('ordererX'), undefined);
    assert.equal(roleOf('console'), undefined);
  });

  it('when two readings are 2 s of peer CPU apart over 100 operations, then the peers cost 20 ms per operation', () => {
    const before = noRoleCpu();
    const after = { ...noRoleCpu(), peers: 2, orderers: 0.5 };
    const split = roleCpuMsPerOp(before, after, 100);
    assert.deepEqual(split, { peers: 20, orderers: 5, chaincode: 0, gateways: 0, cas: 0 });
    assert.equal(roleCpuMsPerOp(before, after, 0), null);
  });

  it('when pid files name this process and one that is gone, then the running one counts under its role and the total', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medledger-cpu-'));
    try {
      mkdirSync(join(dir, 'run'));
      // This test process stands in for a peer; a pid no process has stands in for a stopped gateway.
      writeFileSync(join(dir, 'run', 'peer0-hospital1.pid'), String(process.pid));
      writeFileSync(join(dir, 'run', 'gateway-hospital1.pid'), '999999999');
      writeFileSync(join(dir, 'run', 'console.pid'), String(process.pid));
      const t0 = performance.now();
      while (performance.now() - t0 < 50) Math.sqrt(t0); // burn a little CPU so the reading moves off 0
      const { total, byRole } = networkCpuByRole(dir);
      assert.ok(byRole.peers > 0, `peers ${String(byRole.peers)}`);
      assert.equal(byRole.gateways, 0);
      // The process of no known role counts in the total only.
      assert.ok(
        Math.abs(total - 2 * byRole.peers) < 0.05,
        `total ${String(total)} vs ${String(byRole.peers)}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
