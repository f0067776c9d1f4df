import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

import type { ClaimReport } from '@medledger/domain';

import { claimFixture, claimReportFixture, entryFixture, sealedFixture } from '../testing/fake-insurance';
import { startTestGateway, type TestGateway } from '../testing/harness';
import { after, before, describe, it } from '../testing/node-test';

const hex = () => randomBytes(32).toString('hex');
const patient = () => `did:medledger:patient:${randomBytes(6).toString('hex')}`;
const VISIT = { system: 'http://www.ama-assn.org/go/cpt', code: '99213' };

let gw: TestGateway;
let billing: string;
before(async () => {
  gw = await startTestGateway();
  billing = await gw.token('hospital1-admin');
});
after(async () => {
  await gw.close();
});

async function call(method: string, path: string, token: string, body?: unknown, headers = {}) {
  const res = await fetch(`${gw.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** What GetSettlementContext answers: the open entries, and a claim when one is asked for. */
function heldContext(entries: string[], claim: string | null = null) {
  return { claim, dispute: null, entries, moreEntries: false };
}

function claimBody(claimId: string, patientDid: string, recordIds: string[]) {
  return {
    insurer: 'InsurerMSP',
    card: hex(),
    consents: [{ consentId: hex(), jws: 'eyJhbGciOiJFUzI1NiJ9.eyJ0eXAiOiJ4In0.c2ln' }],
    claim: {
      claimId,
      coverageId: `cov-${claimId}`,
      patientDid,
      currency: 'EUR',
      lines: recordIds.map((recordId) => ({
        item: VISIT,
        servicedDate: '2026-10-02',
        quantity: 1,
        unitPrice: 12000,
        recordId,
        recordHash: hex(),
      })),
    },
  };
}

describe('insurance routes: claims', () => {
  it("when a hospital submits a claim, then the coverage is read on the insurer's peer with the card, the record links on its own, and the claim is endorsed by the three orgs with nothing of the patient in its arguments", async () => {
    const claimId = `clm-${randomBytes(4).toString('hex')}`;
    const did = patient();
    const body = claimBody(claimId, did, ['rec-a', 'rec-b', 'rec-a']);
    const r = await call('POST', '/v1/claims', billing, body);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const context = gw.fake.callsOf('insurance:GetClaimContext').at(-1);
    assert.deepEqual(context?.options.endorsingOrganizations, ['InsurerMSP']);
    assert.deepEqual(JSON.parse(context.options.transient?.['holder'] ?? '{}'), {
      patientDid: did,
      card: body.card,
    });
    const links = gw.fake.callsOf('insurance:GetRecordLinks').at(-1);
    assert.deepEqual(links?.input, { recordIds: ['rec-a', 'rec-b'] });
    const submit = gw.fake.callsOf('insurance:SubmitClaim').find((c) => c.input['claimId'] === claimId);
    assert.ok(submit);
    assert.deepEqual(submit.input, { claimId, insurer: 'InsurerMSP' });
    assert.deepEqual(submit.options.endorsingOrganizations, ['Hospital1MSP', 'InsurerMSP', 'RegulatorMSP']);
    const presented = JSON.parse(submit.options.transient?.['presented'] ?? '{}') as Record<string, unknown>;
    assert.equal(presented['card'], body.card);
    assert.deepEqual(presented['recordLinks'], [null, null]);
    assert.match(String(presented['nonce']), /^[0-9a-f]{64}$/);
  });

  it('when a claim comes both natively and as a FHIR resource, or as neither, then 400 and nothing is submitted', async () => {
    const claimId = `clm-${randomBytes(4).toString('hex')}`;
    const body = claimBody(claimId, patient(), ['rec-a']);
    const neither: Partial<typeof body> = { ...body };
    delete neither.claim;
    for (const bad of [{ ...body, resource: { resourceType: 'Claim' } }, neither]) {
      const r = await call('POST', '/v1/claims', billing, bad);
      assert.equal([r.status, r.body['code']].join(' '), '400 VALIDATION_FAILED');
    }
    assert.equal(
      gw.fake.callsOf('insurance:SubmitClaim').filter((c) => c.input['claimId'] === claimId).length,
      0,
    );
  });

  it("when a claim is read as a ClaimResponse and as the patient's ExplanationOfBenefit, then each is its FHIR resource with the line's coded reason", async () => {
    const claimId = `clm-${randomBytes(4).toString('hex')}`;
    for (const [path, type] of [
      ['response', 'ClaimResponse'],
      ['explanation-of-benefit', 'ExplanationOfBenefit'],
    ] as const) {
      const r = await call('GET', `/v1/claims/${claimId}/${path}?provider=Hospital1MSP`, billing);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body['resourceType'], type);
      assert.match(JSON.stringify(r.body), /DEDUCTIBLE_APPLIED/);
    }
  });
});

describe('insurance routes: coverage, disputes and settlement', () => {
  it('when a card is sent without its patient, then 400 and the insurer is not asked', async () => {
    const before = gw.fake.callsOf('insurance:GetCoverage').length;
    const r = await call('GET', '/v1/coverages/cov-1?insurer=InsurerMSP', billing, undefined, {
      'Medledger-Coverage-Card': hex(),
    });
    assert.equal([r.status, r.body['code']].join(' '), '400 VALIDATION_FAILED');
    assert.equal(gw.fake.callsOf('insurance:GetCoverage').length, before);
  });

  it('when an insurer registers a coverage, then a fresh card is drawn, sent only in the transient map and answered once', async () => {
    const insurer = await gw.token('insurer-admin');
    const coverageId = `cov-${randomBytes(4).toString('hex')}`;
    const coverage = {
      coverageId,
      patientDid: patient(),
      planId: 'plan-gold',
      periodStart: '2026-01-01',
      periodEnd: '2026-12-31',
      currency: 'EUR',
      deductible: 5000,
      periodLimit: null,
      benefits: [{ item: VISIT, rateBasisPoints: 8000, maxUnitPrice: 10000, periodCap: null }],
    };
    const r = await call('POST', '/v1/coverages', insurer, { coverage });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const register = gw.fake.callsOf('insurance:RegisterCoverage').at(-1);
    assert.deepEqual(register?.input, {});
    assert.deepEqual(JSON.parse(register.options.transient?.['card'] ?? '{}'), { secret: r.body['card'] });
    assert.deepEqual(register.options.endorsingOrganizations, ['Hospital1MSP', 'RegulatorMSP']);
  });

  it("when a hospital disputes a line, then the claim its collection holds is presented and the dispute's terms travel in the transient map", async () => {
    const claimId = `clm-${randomBytes(4).toString('hex')}`;
    const held = sealedFixture(claimFixture({ claimId }));
    gw.fake.handlers['insurance:GetSettlementContext'] = () => heldContext([], held);
    const r = await call('POST', `/v1/claims/${claimId}/disputes`, billing, {
      insurer: 'InsurerMSP',
      lineSequence: 1,
      reason: 'AMOUNT_MISCALCULATED',
      requestedAmount: 8000,
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const open = gw.fake.callsOf('insurance:OpenDispute').at(-1);
    assert.deepEqual(open?.input, { insurer: 'InsurerMSP', claimId });
    const presented = JSON.parse(open.options.transient?.['presented'] ?? '{}') as { claim?: string };
    assert.equal(presented.claim, held);
    assert.deepEqual(JSON.parse(open.options.transient?.['dispute'] ?? '{}'), {
      lineSequence: 1,
      reason: 'AMOUNT_MISCALCULATED',
      requestedAmount: 8000,
    });
  });

  it('when a pair has open entries, then the balances sum them per currency to zero, and a batch presents them oldest first; with none, a batch is 409', async () => {
    const pair = { provider: 'Hospital1MSP', insurer: 'InsurerMSP' };
    const newer = { ...entryFixture(pair, 30000), postedAt: '2026-10-05T00:00:00.000Z' };
    const older = { ...entryFixture(pair, 4000), postedAt: '2026-10-03T00:00:00.000Z' };
    const entries = [sealedFixture(newer), sealedFixture(older)];
    gw.fake.handlers['insurance:GetSettlementContext'] = () => heldContext(entries);
    const b = await call('GET', '/v1/settlement/balances?provider=Hospital1MSP&insurer=InsurerMSP', billing);
    assert.equal(b.status, 200, JSON.stringify(b.body));
    assert.deepEqual(b.body['items'], [
      { ...pair, currency: 'EUR', insurerPayable: -34000, providerReceivable: 34000, openEntries: 2 },
    ]);
    const c = await call('POST', '/v1/settlement/batches', billing, { ...pair, currency: 'EUR' });
    assert.equal(c.status, 201, JSON.stringify(c.body));
    const close = gw.fake.callsOf('insurance:CloseSettlementBatch').at(-1);
    const presented = JSON.parse(close?.options.transient?.['presented'] ?? '{}') as { entries?: string[] };
    assert.deepEqual(presented.entries, [entries[1], entries[0]]);
    const [balanceRead, batchRead] = gw.fake.callsOf('insurance:GetSettlementContext').slice(-2);
    assert.deepEqual(
      [balanceRead?.input['currency'], balanceRead?.input['limit']],
      [null, null],
      'the balances read every open entry',
    );
    assert.deepEqual(
      [batchRead?.input['currency'], batchRead?.input['limit']],
      ['EUR', 500],
      "a batch reads only the oldest 500 of its currency: a pair's backlog never stops it",
    );
    gw.fake.handlers['insurance:GetSettlementContext'] = () => heldContext([]);
    const none = await call('POST', '/v1/settlement/batches', billing, { ...pair, currency: 'EUR' });
    assert.equal([none.status, none.body['code']].join(' '), '409 CONFLICT');
  });
});

describe('insurance routes: the open-entry index', () => {
  const pair = { provider: 'Hospital1MSP', insurer: 'InsurerMSP' };
  const entry = (amount: number) => sealedFixture(entryFixture(pair, amount));

  it('when a pair has more open entries than one read returns whole, then its balances are 409 SCAN_LIMIT, never a sum of part of them', async () => {
    const saved = { ...gw.fake.handlers };
    gw.fake.handlers['insurance:GetSettlementContext'] = () => {
      throw new Error('[SCAN_LIMIT] open entries over 10000');
    };
    try {
      const b = await call(
        'GET',
        '/v1/settlement/balances?provider=Hospital1MSP&insurer=InsurerMSP',
        billing,
      );
      assert.equal([b.status, b.body['code']].join(' '), '409 SCAN_LIMIT');
    } finally {
      Object.assign(gw.fake.handlers, saved);
    }
  });

  it('when a ledger written before the index is upgraded, then one call reads the history page by page up to 500 unindexed entries, indexes them in one transaction endorsed by the pair and the regulator, and says where the next call starts', async () => {
    const saved = { ...gw.fake.handlers };
    const found = [entry(100), entry(200), entry(300)];
    const pages = [
      { entries: found.slice(0, 2), scanned: 1000, next: `${hex()}.1` },
      { entries: found.slice(2), scanned: 40, next: null },
    ];
    gw.fake.handlers['insurance:GetUnindexedSettlementEntries'] = () => pages.shift();
    try {
      const evaluatesBefore = gw.fake.callsOf('insurance:GetUnindexedSettlementEntries').length;
      const after = `${hex()}.2`;
      const r = await call('POST', '/v1/settlement/index', billing, { ...pair, after });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(
        { ...r.body, txId: typeof r.body['txId'] },
        {
          txId: 'string',
          indexed: 3,
          scanned: 1040,
          next: null,
        },
      );
      const reads = gw.fake.callsOf('insurance:GetUnindexedSettlementEntries').slice(evaluatesBefore);
      assert.deepEqual(
        reads.map((c) => [c.input['after'], c.input['limit']]),
        [
          [after, 500],
          [reads[1]?.input['after'], 498],
        ],
      );
      const index = gw.fake.callsOf('insurance:IndexOpenSettlementEntries').at(-1);
      const presented = JSON.parse(index?.options.transient?.['presented'] ?? '{}') as { entries?: string[] };
      assert.deepEqual(presented.entries, found);
      assert.deepEqual(index?.input, pair);
    } finally {
      Object.assign(gw.fake.handlers, saved);
    }
  });

  it('when 500 unindexed entries are found before the history ends, then that call indexes them and answers where to go on; with nothing left, it answers without a transaction', async () => {
    const saved = { ...gw.fake.handlers };
    const next = `${hex()}.1`;
    gw.fake.handlers['insurance:GetUnindexedSettlementEntries'] = (input) => ({
      entries: Array.from({ length: Number(input['limit']) }, (_, i) => entry(i + 1)),
      scanned: 1000,
      next,
    });
    try {
      const r = await call('POST', '/v1/settlement/index', billing, pair);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual([r.body['indexed'], r.body['next']], [500, next]);
      gw.fake.handlers['insurance:GetUnindexedSettlementEntries'] = () => ({
        entries: [],
        scanned: 12,
        next: null,
      });
      const submitsBefore = gw.fake.callsOf('insurance:IndexOpenSettlementEntries').length;
      const done = await call('POST', '/v1/settlement/index', billing, { ...pair, after: next });
      assert.deepEqual(done.body, { txId: null, indexed: 0, scanned: 12, next: null });
      assert.equal(gw.fake.callsOf('insurance:IndexOpenSettlementEntries').length, submitsBefore);
    } finally {
      Object.assign(gw.fake.handlers, saved);
    }
  });
});

describe('insurance routes: the open-entry index, refused', () => {
  const pair = { provider: 'Hospital1MSP', insurer: 'InsurerMSP' };

  it('when the pair names an org outside the consortium, then 404 NOT_FOUND and nothing is read', async () => {
    const before = gw.fake.callsOf('insurance:GetUnindexedSettlementEntries').length;
    for (const body of [
      { ...pair, provider: 'Hospital9MSP' },
      { ...pair, insurer: 'Insurer9MSP' },
    ]) {
      const r = await call('POST', '/v1/settlement/index', billing, body);
      assert.equal([r.status, r.body['code']].join(' '), '404 NOT_FOUND', JSON.stringify(body));
    }
    assert.equal(gw.fake.callsOf('insurance:GetUnindexedSettlementEntries').length, before);
  });

  it('when the body names no pair, or an after that is no entry id, then 400 VALIDATION_FAILED and nothing is read', async () => {
    const before = gw.fake.callsOf('insurance:GetUnindexedSettlementEntries').length;
    for (const body of [
      { provider: 'Hospital1MSP' },
      { ...pair, after: 'not an id!' },
      { ...pair, extra: 1 },
    ]) {
      const r = await call('POST', '/v1/settlement/index', billing, body);
      assert.equal([r.status, r.body['code']].join(' '), '400 VALIDATION_FAILED', JSON.stringify(body));
    }
    assert.equal(gw.fake.callsOf('insurance:GetUnindexedSettlementEntries').length, before);
  });
});

describe('insurance routes: the claim report by pages', () => {
  it("when the regulator's peer answers the report in pages, then the gateway reads them all, sums them and answers one report", async () => {
    const auditor = await gw.token('regulator-auditor');
    const whole = claimReportFixture() as ClaimReport;
    const [row] = whole.byPair;
    assert.ok(row);
    // The payment in the first page, the approval it paid in the second: outstanding -40.00 then +40.00.
    const first = {
      ...whole,
      claims: 0,
      byPair: [{ ...row, claims: 0, submitted: 0, approved: 0, outstanding: -4000 }],
    };
    const second = { ...whole, byPair: [{ ...row, settled: 0, outstanding: 4000 }] };
    const saved = { ...gw.fake.handlers };
    gw.fake.handlers['insurance:GetClaimReport'] = (input) =>
      input['after'] === null ? { ...first, next: 'page-2' } : { ...second, next: null };
    try {
      const before = gw.fake.callsOf('insurance:GetClaimReport').length;
      const r = await call('GET', '/v1/reports/claims', auditor);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(
        gw.fake
          .callsOf('insurance:GetClaimReport')
          .slice(before)
          .map((c) => c.input['after']),
        [null, 'page-2'],
      );
      const byPair = r.body['byPair'] as ClaimReport['byPair'];
      assert.deepEqual(byPair, [{ ...row, outstanding: 0 }]);
      assert.equal(r.body['claims'], 1);
    } finally {
      Object.assign(gw.fake.handlers, saved);
    }
  });
});

describe('insurance routes: what a write presents, read again when the endorsers find it changed', () => {
  it("when the insurer's peer answers a usage from before the coverage's previous claim, then the endorsers' PRESENTED_MISMATCH makes the gateway read the context again and the claim goes through with the fresh usage", async () => {
    const claimId = `clm-${randomBytes(4).toString('hex')}`;
    const saved = { ...gw.fake.handlers };
    const usages = ['b2xk', 'bmV3'];
    gw.fake.handlers['insurance:GetClaimContext'] = () => ({
      coverage: 'e30=',
      usage: usages.shift() ?? 'bmV3',
    });
    gw.fake.handlers['insurance:SubmitClaim'] = (input, options) => {
      const presented = JSON.parse(options.transient?.['presented'] ?? '{}') as { usage?: string };
      if (presented.usage !== 'bmV3') throw new Error('[PRESENTED_MISMATCH] a presented value is stale');
      return saved['insurance:SubmitClaim']?.(input, options);
    };
    try {
      const r = await call('POST', '/v1/claims', billing, claimBody(claimId, patient(), ['rec-a']));
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const submits = gw.fake.callsOf('insurance:SubmitClaim').filter((c) => c.input['claimId'] === claimId);
      assert.deepEqual(
        submits.map(
          (c) => (JSON.parse(c.options.transient?.['presented'] ?? '{}') as { usage?: string }).usage,
        ),
        ['b2xk', 'bmV3'],
      );
      assert.deepEqual(usages, [], 'the context is read again before the second attempt');
    } finally {
      Object.assign(gw.fake.handlers, saved);
    }
  });

  it('when what a claim presents keeps changing, then after a bounded number of fresh reads the answer is 409 PRESENTED_MISMATCH, never a 5xx', async () => {
    const claimId = `clm-${randomBytes(4).toString('hex')}`;
    const saved = { ...gw.fake.handlers };
    gw.fake.handlers['insurance:SubmitClaim'] = () => {
      throw new Error('[PRESENTED_MISMATCH] a presented value is stale');
    };
    const contextsBefore = gw.fake.callsOf('insurance:GetClaimContext').length;
    try {
      const r = await call('POST', '/v1/claims', billing, claimBody(claimId, patient(), ['rec-a']));
      assert.equal([r.status, r.body['code']].join(' '), '409 PRESENTED_MISMATCH');
      const attempts = gw.fake.callsOf('insurance:SubmitClaim').filter((c) => c.input['claimId'] === claimId);
      assert.ok(attempts.length > 1 && attempts.length <= 10, `${attempts.length} attempts`);
      assert.equal(gw.fake.callsOf('insurance:GetClaimContext').length - contextsBefore, attempts.length);
    } finally {
      Object.assign(gw.fake.handlers, saved);
    }
  });

  it('when an entry read as open was settled by another batch before the endorsers saw it, then the open entries are read again and the batch presents only what is still open', async () => {
    const pair = { provider: 'Hospital1MSP', insurer: 'InsurerMSP' };
    const settled = sealedFixture({ ...entryFixture(pair, 4000), postedAt: '2026-10-03T00:00:00.000Z' });
    const stillOpen = sealedFixture({ ...entryFixture(pair, 7000), postedAt: '2026-10-05T00:00:00.000Z' });
    const reads = [[settled, stillOpen], [stillOpen]];
    const saved = { ...gw.fake.handlers };
    gw.fake.handlers['insurance:GetSettlementContext'] = () => ({
      claim: null,
      dispute: null,
      entries: reads.shift() ?? [stillOpen],
      moreEntries: false,
    });
    gw.fake.handlers['insurance:CloseSettlementBatch'] = (input, options) => {
      const presented = JSON.parse(options.transient?.['presented'] ?? '{}') as { entries?: string[] };
      if (presented.entries?.includes(settled)) throw new Error('[PRESENTED_MISMATCH] e-1 settled');
      return saved['insurance:CloseSettlementBatch']?.(input, options);
    };
    try {
      const before = gw.fake.callsOf('insurance:CloseSettlementBatch').length;
      const r = await call('POST', '/v1/settlement/batches', billing, { ...pair, currency: 'EUR' });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const closes = gw.fake.callsOf('insurance:CloseSettlementBatch').slice(before);
      assert.deepEqual(
        closes.map(
          (c) => (JSON.parse(c.options.transient?.['presented'] ?? '{}') as { entries?: string[] }).entries,
        ),
        [[settled, stillOpen], [stillOpen]],
      );
    } finally {
      Object.assign(gw.fake.handlers, saved);
    }
  });
});
