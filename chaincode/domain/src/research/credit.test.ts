import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CREDIT_TOTAL, siteCredits, type CreditInputs } from './credit';

const H1 = 'Hospital1MSP';
const H2 = 'Hospital2MSP';
const H3 = 'Hospital3MSP';

function creditOf(inputs: CreditInputs): Record<string, number> {
  return Object.fromEntries(siteCredits(inputs).map((c) => [c.site, c.credit]));
}

void describe('credit formula', () => {
  void it('when two sites deliver and train and the third rejected, then credit follows the documented formula worked by hand', () => {
    // data: H1 min(100, 120) = 100, H2 min(100, 50) = 50; rounds: H1 80 + 80, H2 50 + 40.
    // H1 = 10000 * (3/5 * 100/150 + 2/5 * 160/250) = 4000 + 2560 = 6560; H2 = 2000 + 1440 = 3440.
    const credits = creditOf({
      sites: [H1, H2, H3],
      quotas: { [H1]: 100, [H2]: 100, [H3]: 100 },
      contributions: [
        { site: H1, passedRecords: 120, verified: true },
        { site: H2, passedRecords: 50, verified: true },
        { site: H2, passedRecords: 500, verified: false },
      ],
      rounds: [
        {
          updates: [
            { site: H1, sampleCount: 80 },
            { site: H2, sampleCount: 50 },
          ],
        },
        {
          updates: [
            { site: H1, sampleCount: 80 },
            { site: H2, sampleCount: 40 },
          ],
        },
      ],
    });
    assert.deepEqual(credits, { [H1]: 6560, [H2]: 3440, [H3]: 0 });
  });

  void it('when three equal sites share, then the credits add up to exactly 10000 by largest remainder', () => {
    const credits = creditOf({
      sites: [H3, H2, H1],
      quotas: { [H1]: 10, [H2]: 10, [H3]: 10 },
      contributions: [H1, H2, H3].map((site) => ({ site, passedRecords: 10, verified: true })),
      rounds: [],
    });
    assert.deepEqual(credits, { [H1]: 3334, [H2]: 3333, [H3]: 3333 });
  });

  void it('when nothing is verified, then every credit is 0; and a site claiming more samples than its records is capped', () => {
    assert.deepEqual(
      creditOf({
        sites: [H1, H2],
        quotas: { [H1]: 10 },
        contributions: [{ site: H1, passedRecords: 10, verified: false }],
        rounds: [{ updates: [{ site: H1, sampleCount: 10 }] }],
      }),
      { [H1]: 0, [H2]: 0 },
    );
    const scores = siteCredits({
      sites: [H1, H2],
      quotas: { [H1]: 10, [H2]: 10 },
      contributions: [
        { site: H1, passedRecords: 10, verified: true },
        { site: H2, passedRecords: 10, verified: true },
      ],
      rounds: [
        {
          updates: [
            { site: H1, sampleCount: 1_000_000 },
            { site: H2, sampleCount: 10 },
          ],
        },
      ],
    });
    assert.deepEqual(
      scores.map((s) => [s.roundScore, s.credit]),
      [
        [10, 5000],
        [10, 5000],
      ],
    );
  });
});

const SITES = ['Hospital1MSP', 'Hospital2MSP', 'Hospital3MSP', 'Hospital4MSP', 'Hospital5MSP'];
const count = fc.integer({ min: 0, max: 2_000_000 });
const inputsArb: fc.Arbitrary<CreditInputs> = fc.record({
  sites: fc.subarray(SITES, { minLength: 1 }),
  quotas: fc.record(
    Object.fromEntries(SITES.map((s) => [s, count])) as Record<string, fc.Arbitrary<number>>,
    {
      requiredKeys: [],
    },
  ),
  contributions: fc.array(
    fc.record({ site: fc.constantFrom(...SITES), passedRecords: count, verified: fc.boolean() }),
    { maxLength: 12 },
  ),
  rounds: fc.array(
    fc.record({
      updates: fc.array(fc.record({ site: fc.constantFrom(...SITES), sampleCount: count }), { maxLength: 6 }),
    }),
    { maxLength: 4 },
  ),
});

// The formula in floating point, written independently of the bigint implementation.
function exactShares(inputs: CreditInputs): Map<string, number> {
  const sites = [...new Set(inputs.sites)];
  const passed = (s: string) =>
    inputs.contributions.filter((c) => c.verified && c.site === s).reduce((a, c) => a + c.passedRecords, 0);
  const data = new Map(sites.map((s) => [s, Math.min(inputs.quotas[s] ?? 0, passed(s))]));
  const rounds = new Map(
    sites.map((s) => [
      s,
      inputs.rounds.reduce(
        (a, r) =>
          a +
          Math.min(
            passed(s),
            r.updates.filter((u) => u.site === s).reduce((b, u) => b + u.sampleCount, 0),
          ),
        0,
      ),
    ]),
  );
  const D = [...data.values()].reduce((a, b) => a + b, 0);
  const R = [...rounds.values()].reduce((a, b) => a + b, 0);
  const wd = D > 0 ? 3 : 0;
  const wr = R > 0 ? 2 : 0;
  return new Map(
    sites.map((s) => [
      s,
      wd + wr === 0
        ? 0
        : (CREDIT_TOTAL *
            (wd * (D > 0 ? (data.get(s) ?? 0) / D : 0) + wr * (R > 0 ? (rounds.get(s) ?? 0) / R : 0))) /
          (wd + wr),
    ]),
  );
}

void describe('credit formula: properties', () => {
  void it('when inputs are arbitrary, then each credit is within 1 of the exact share and the credits add up to 10000 or to 0', () => {
    fc.assert(
      fc.property(inputsArb, (inputs) => {
        const credits = siteCredits(inputs);
        const exact = exactShares(inputs);
        const total = credits.reduce((a, c) => a + c.credit, 0);
        const anyScore = credits.some((c) => c.dataScore > 0 || c.roundScore > 0);
        assert.equal(total, anyScore ? CREDIT_TOTAL : 0);
        for (const c of credits) {
          assert.ok(Math.abs(c.credit - (exact.get(c.site) ?? Number.NaN)) < 1 + 1e-6, c.site);
          if (c.dataScore === 0 && c.roundScore === 0) assert.equal(c.credit, 0);
        }
      }),
    );
  });

  void it('when unverified contributions are added or inputs are reordered, then no credit changes', () => {
    fc.assert(
      fc.property(
        inputsArb,
        fc.array(fc.record({ site: fc.constantFrom(...SITES), passedRecords: count })),
        (inputs, extra) => {
          const base = siteCredits(inputs);
          const noisy = siteCredits({
            ...inputs,
            sites: [...inputs.sites].reverse(),
            contributions: [
              ...extra.map((e) => ({ ...e, verified: false })),
              ...inputs.contributions,
            ].reverse(),
            rounds: [...inputs.rounds].reverse().map((r) => ({ updates: [...r.updates].reverse() })),
          });
          assert.deepEqual(noisy, base);
        },
      ),
    );
  });

  void it('when a site adds verified records within its quota, then its exact share never falls and its credit falls by at most 1', () => {
    fc.assert(
      fc.property(inputsArb, fc.integer({ min: 1, max: 1000 }), (inputs, more) => {
        const site = inputs.sites[0] as string;
        const before = siteCredits(inputs).find((c) => c.site === site);
        const grown: CreditInputs = {
          ...inputs,
          quotas: { ...inputs.quotas, [site]: (inputs.quotas[site] ?? 0) + more },
          contributions: [...inputs.contributions, { site, passedRecords: more, verified: true }],
        };
        const after = siteCredits(grown).find((c) => c.site === site);
        assert.ok(before && after);
        assert.ok((exactShares(grown).get(site) ?? 0) >= (exactShares(inputs).get(site) ?? 0) - 1e-6);
        assert.ok(after.credit >= before.credit - 1, `${before.credit} -> ${after.credit}`);
      }),
    );
  });
});
