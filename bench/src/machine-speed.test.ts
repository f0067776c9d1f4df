import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { MACHINE_SPEED_WORK, machineSpeedWork, measureMachineSpeed } from './machine-speed';

void describe("the machine's speed", () => {
  void it('when the fixed work runs, then every verification succeeds and every part is done', () => {
    const work = { verifications: 20, hashedMiB: 1, jsonRoundTrips: 3 };
    // Each verification, the digest, and each round trip's 500 entries.
    assert.equal(machineSpeedWork(work), 20 + 1 + 3 * 500);
  });

  void it('when it is timed, then the CPU time is that of the work and grows with it', () => {
    const small = measureMachineSpeed(3, { verifications: 10, hashedMiB: 1, jsonRoundTrips: 1 });
    const large = measureMachineSpeed(3, { ...MACHINE_SPEED_WORK, verifications: 400 });
    assert.equal(small.passes, 3);
    assert.ok(small.cpuMs > 0 && small.wallMs > 0);
    assert.ok(large.cpuMs > small.cpuMs * 5, `${String(large.cpuMs)} ms against ${String(small.cpuMs)}`);
  });
});
