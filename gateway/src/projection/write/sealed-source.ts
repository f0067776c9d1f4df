/**
 * Enrichment of public events with sealed facts. Chaincode events carry ids and codes only (every
 * org's peer receives every block); the patient of an access and the consent it used live in the
 * record custodian's sealed collection, a consent's patient and grantee in the grantee org's, and only
 * the member orgs' peers (that org's and the regulator's) hold them. For each event whose sealed
 * collection this gateway's org is a member of, this source makes sure the facts come with it before
 * the event reaches the projector; every other event passes id-only.
 *
 * The facts come first from the inner source (the peer's block-and-private-data delivery decoded in
 * `fabric-source.ts`: 0.7 ms of CPU an event, measured in docs/privacy-model.md); an event of this
 * org's collection that arrives without them (private data the peer had not yet when it delivered the
 * block) is completed by a read on the gateway's own peer (`SealedReader`, one evaluate: 9 ms). A
 * failed read fails the stream, so the projector retries from its checkpoint; a fact the peer does not
 * hold at all (NOT_FOUND) leaves the row id-only rather than stopping the projection.
 *
 * Record listings (the patient and what an emergency listing opened, in the listing doctor's org's
 * collection) come from the block's private data only: the ledger has no read of a listing by id,
 * so one whose private data the peer had not yet at delivery stays id-only here until a rebuild
 * reads the block again (both member peers endorse the listing, so they hold its data at commit).
 */
import { decodeEvent } from './decode';
import {
  isBlockEnd,
  type EventSource,
  type EventStream,
  type OpenOptions,
  type SealedFacts,
  type SourceEvent,
} from './source';

/** Reads sealed facts on this gateway's own peer. */
export interface SealedReader {
  /** This gateway's org and the consortium's regulator. */
  members(): Promise<{ readonly org: string; readonly regulator: string }>;
  /** The sealed facts of an access decision (audit event id), `undefined` when the peer holds none. */
  accessFacts(eventId: string): Promise<SealedFacts | undefined>;
  /** The sealed facts of a consent, `undefined` when the peer holds none. */
  consentFacts(consentId: string): Promise<SealedFacts | undefined>;
}

/** Counts of the enrichment, for metrics and the measurement of its cost. */
export interface SealedReadCounts {
  /** Events whose facts came with the block (the peer's private data delivery). */
  fromBlocks: number;
  /** Events enriched by a read on the peer. */
  enriched: number;
  /** Events this org may read but the peer held nothing for. */
  missing: number;
  /** Milliseconds spent reading (wall clock). */
  readMs: number;
}

/** The ledger's events, enriched where this gateway's org is a member of the event's sealed collection. */
export class SealedEventSource implements EventSource {
  readonly #inner: EventSource;
  readonly #reader: SealedReader;
  readonly counts: SealedReadCounts = { fromBlocks: 0, enriched: 0, missing: 0, readMs: 0 };

  constructor(inner: EventSource, reader: SealedReader) {
    this.#inner = inner;
    this.#reader = reader;
  }

  height(): Promise<bigint> {
    return this.#inner.height();
  }

  async open(options: Readonly<OpenOptions>): Promise<EventStream> {
    const members = await this.#reader.members();
    const stream = await this.#inner.open(options);
    const enrich = (e: SourceEvent): Promise<SourceEvent> => this.#enrich(e, members);
    return {
      async *[Symbol.asyncIterator]() {
        for await (const e of stream) yield isBlockEnd(e) ? e : await enrich(e);
      },
      close: () => {
        stream.close();
      },
    };
  }

  /** The read an event needs at this org, or `undefined` when its sealed collection is another's. */
  #readOf(
    e: SourceEvent,
    members: { readonly org: string; readonly regulator: string },
  ): (() => Promise<SealedFacts | undefined>) | undefined {
    const decoded = decodeEvent(e.eventName, e.payload);
    if (decoded === undefined) return undefined;
    const member = (owner: string): boolean => owner === members.org || members.org === members.regulator;
    if (decoded.name === 'AccessDecided') {
      const p = decoded.payload as { eventId: string; custodian: string };
      return member(p.custodian) ? () => this.#reader.accessFacts(p.eventId) : undefined;
    }
    if (decoded.name === 'ConsentGranted') {
      const p = decoded.payload as { consentId: string; granteeOrg: string };
      return member(p.granteeOrg) ? () => this.#reader.consentFacts(p.consentId) : undefined;
    }
    return undefined;
  }

  async #enrich(
    e: SourceEvent,
    members: { readonly org: string; readonly regulator: string },
  ): Promise<SourceEvent> {
    if (e.sealed !== undefined) {
      this.counts.fromBlocks += 1;
      return e;
    }
    const read = this.#readOf(e, members);
    if (read === undefined) return e;
    const started = performance.now();
    const sealed = await read();
    this.counts.readMs += performance.now() - started;
    if (sealed === undefined) {
      this.counts.missing += 1;
      return e;
    }
    this.counts.enriched += 1;
    return { ...e, sealed };
  }
}
