import assert from 'node:assert/strict';
import { it } from 'node:test';

import { H3, SCENARIO_NOW, auditor, describeOnScenario } from '../../testing/scenario';

describeOnScenario('alerts', (scenario) => {
  it('when alerts are computed, then each rule fires for its actor with the events behind it', async () => {
    const { service, ids } = scenario();
    const alerts = await service.alerts(auditor, SCENARIO_NOW);
    assert.deepEqual(
      alerts.map((a) => [a.rule, a.actorDid, a.eventCount]),
      [
        ['break_glass_unjustified', 'did:medledger:hospital2:doc3', 1],
        ['break_glass_unreviewed', 'did:medledger:hospital2:doc3', 1],
        ['denial_burst', 'did:medledger:hospital2:intruder', 6],
        ['volume_above_baseline', 'did:medledger:hospital1:doc4', 30],
        ['unusual_hours', 'did:medledger:hospital1:nurse1', 1],
      ],
    );
    assert.equal(alerts[0]?.events[0]?.eventId, ids['bg3']);
    assert.deepEqual(alerts[0]?.detail, {
      lookbackHours: 24,
      unjustified: 1,
      accesses: 1,
      emergencyListings: 0,
      suspended: 1,
    });
    assert.equal(alerts[1]?.events[0]?.eventId, ids['bg1']);
    assert.equal(alerts[2]?.events.length, 6);
    assert.equal(alerts[2].events[0]?.eventId, ids['deny5']);
    assert.equal(alerts[3]?.detail['baselineAverage'], 1);
    assert.equal(alerts[4]?.events[0]?.eventId, ids['nurse']);
    for (const a of alerts) for (const e of a.events) assert.ok(e.txId.length === 64 && e.blockNumber > 0);
    const h3alerts = await service.alerts({ kind: 'hospital', mspId: H3 }, SCENARIO_NOW);
    assert.equal(h3alerts.length, 0);
  });
});
