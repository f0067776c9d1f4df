/**
 * The ledger's {@link RoundAnchor}: every update and aggregate of a federated run goes through the REST
 * gateways of a running consortium. Each site anchors its own update at its own hospital's gateway
 * with its admin's token (the ledger takes an update only from the site's own org); the lead anchors
 * the aggregate at the research institute's gateway; aggregates are read back from the ledger.
 */
import { randomUUID } from 'node:crypto';
import type { ModelUpdateLeaf, RoundInclusionProof, StudyRound } from '@medledger/domain';
import type { AggregateAnchor, RoundAnchor } from './anchor';

/** One gateway and the bearer token to call it with. */
export interface GatewayCaller {
  readonly url: string;
  readonly token: string;
}

/** Where a run anchors: the lead's gateway, and each site's own gateway, by site MSP id. */
export interface GatewayAnchorConfig {
  readonly lead: GatewayCaller;
  readonly sites: Readonly<Record<string, GatewayCaller>>;
  /** How long the lead waits for its peer to hold every update before aggregating (default 20 s). */
  readonly settleMs?: number;
}

/** A gateway's refusal, with its status and problem code. */
export class GatewayAnchorError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(`${String(status)} ${code}: ${detail}`);
  }
}

async function call<T>(
  caller: GatewayCaller,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${caller.token}` };
  if (method === 'POST') {
    headers['content-type'] = 'application/json';
    headers['idempotency-key'] = randomUUID();
  }
  const res = await fetch(`${caller.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  const json = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
  if (res.status >= 300) {
    const text = (v: unknown, otherwise: string) => (typeof v === 'string' ? v : otherwise);
    throw new GatewayAnchorError(res.status, text(json['code'], 'HTTP'), text(json['detail'], ''));
  }
  return json as T;
}

const roundPath = (studyId: string, round: number): string =>
  `/v1/studies/${encodeURIComponent(studyId)}/rounds/${String(round)}`;

/** Anchors a federated run on the ledger through the gateways' study round routes. */
export class GatewayRoundAnchor implements RoundAnchor {
  constructor(readonly config: GatewayAnchorConfig) {}

  #site(site: string): GatewayCaller {
    const caller = this.config.sites[site];
    if (!caller) throw new Error(`no gateway for ${site}`);
    return caller;
  }

  async anchorUpdate(leaf: ModelUpdateLeaf): Promise<void> {
    await call(this.#site(leaf.site), 'POST', `${roundPath(leaf.studyId, leaf.round)}/updates`, {
      updateHash: leaf.updateHash,
      sampleCount: leaf.sampleCount,
    });
  }

  async anchorAggregate(aggregate: AggregateAnchor, leaves: readonly ModelUpdateLeaf[]): Promise<void> {
    // The sites' updates committed on their own peers; the lead's peer receives those blocks a moment
    // later, and the ledger checks the root against what that peer holds.
    await this.#settled(aggregate.studyId, aggregate.round, leaves);
    await call(this.config.lead, 'POST', `${roundPath(aggregate.studyId, aggregate.round)}/aggregate`, {
      aggregateHash: aggregate.aggregateHash,
      sites: leaves.map((l) => l.site),
      merkleRoot: aggregate.merkleRoot,
    });
  }

  async #settled(studyId: string, round: number, leaves: readonly ModelUpdateLeaf[]): Promise<void> {
    const deadline = Date.now() + (this.config.settleMs ?? 20_000);
    for (;;) {
      const anchored = await this.round(studyId, round);
      const seen = new Set(anchored.updates.map((u) => `${u.site} ${u.updateHash}`));
      if (leaves.every((l) => seen.has(`${l.site} ${l.updateHash}`))) return;
      if (Date.now() > deadline) throw new Error(`round ${String(round)}: updates not visible to the lead`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async aggregateOf(studyId: string, round: number): Promise<AggregateAnchor | undefined> {
    const { aggregate } = await this.round(studyId, round);
    return aggregate
      ? {
          studyId: aggregate.studyId,
          round: aggregate.round,
          aggregateHash: aggregate.aggregateHash,
          merkleRoot: aggregate.merkleRoot,
          treeSize: aggregate.treeSize,
        }
      : undefined;
  }

  /** The round as the lead's gateway reads it from the ledger. */
  round(studyId: string, round: number): Promise<StudyRound> {
    return call(this.config.lead, 'GET', roundPath(studyId, round));
  }

  /** A site's inclusion proof, built by its own gateway from the anchored round. */
  proofOf(site: string, studyId: string, round: number): Promise<RoundInclusionProof> {
    return call(this.#site(site), 'GET', `${roundPath(studyId, round)}/proofs/${site}`);
  }
}
