import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { addEvents, edgeWidth, EMPTY_FLOWS, sidesOf, type FlowEvent } from './flows';

let n = 0;
const event = (over: Partial<FlowEvent>): FlowEvent => ({
  eventId: `e-${String(++n)}-${Math.random().toString(36).slice(2)}`,
  txTime: '2026-03-01T10:00:00.000Z',
  actorMsp: 'Hospital2MSP',
  custodian: 'Hospital1MSP',
  outcome: 'granted',
  breakGlass: false,
  ...over,
});

describe('data flows between orgs', () => {
  it('when decisions are folded in, then each flow counts its granted, denied and break-glass decisions', () => {
    const events = [
      event({}),
      event({ outcome: 'denied', txTime: '2026-03-01T11:00:00.000Z' }),
      event({ breakGlass: true }),
      event({ actorMsp: 'Hospital1MSP' }),
    ];
    const { state, added } = addEvents(EMPTY_FLOWS, events);
    assert.equal(added, 4);
    assert.deepEqual(state.flows.get('Hospital2MSP>Hospital1MSP'), {
      from: 'Hospital2MSP',
      to: 'Hospital1MSP',
      granted: 2,
      denied: 1,
      breakGlass: 1,
      last: '2026-03-01T11:00:00.000Z',
    });
    assert.equal(state.flows.get('Hospital1MSP>Hospital1MSP')?.granted, 1);
    assert.equal(state.newest, '2026-03-01T11:00:00.000Z');
    assert.deepEqual(sidesOf(state), { asked: ['Hospital1MSP', 'Hospital2MSP'], keeps: ['Hospital1MSP'] });
  });

  it('when a poll returns events already seen, then they count once and the state is not changed in place', () => {
    const first = event({});
    const once = addEvents(EMPTY_FLOWS, [first]).state;
    const again = addEvents(once, [first, event({ outcome: 'denied' })]);
    assert.equal(again.added, 1);
    assert.equal(again.state.flows.get('Hospital2MSP>Hospital1MSP')?.granted, 1);
    assert.equal(again.state.flows.get('Hospital2MSP>Hospital1MSP')?.denied, 1);
    assert.equal(once.flows.get('Hospital2MSP>Hospital1MSP')?.denied, 0);
    assert.equal(EMPTY_FLOWS.seen.size, 0);
  });

  it('when widths are computed, then they grow with volume from 1.5 px to 10 px', () => {
    assert.equal(edgeWidth(0, 10), 1.5);
    assert.equal(edgeWidth(10, 10), 10);
    assert.ok(edgeWidth(1, 10) < edgeWidth(5, 10));
  });
});
