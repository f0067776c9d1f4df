/**
 * The event source over a fabric-gateway `Network`. Without private data, live following uses
 * chaincode events resumed from the projection's checkpoint and bounded reads (rebuild, consistency
 * check) read whole blocks, so they know when the last block has passed even if it held no event of
 * this chaincode. With private data (`privateData`), both read the peer's block-and-private-data
 * delivery: each event comes with the sealed facts of its transaction's private writes that this
 * gateway's org may hold (the patient of an access, of a consent, of a listing), decoded here from the sealed
 * collection's value (`sealedValueSchema` of the domain) at the key the chaincode writes it under.
 */
import type { Checkpoint, CloseableAsyncIterable, Network } from '@hyperledger/fabric-gateway';
import { common, ledger, type peer } from '@hyperledger/fabric-protos';
import {
  auditEventSchema,
  consentSchema,
  fabricCompositeKey,
  granteeKey,
  KeyFamily,
  recordListingSchema,
  sealedCollection,
  sealedValueSchema,
} from '@medledger/domain';
import type { z } from 'zod';

import type { FeedBlock, FeedBlockSource } from '../../fabric/block-feed';
import { channelHeight, type CommittedBlock, type ValidationCode } from '../../fabric/commit-tracker';

import { decodeEvent } from './decode';
import { bytesField, repeatedBytes, stringField, varintField } from './protobuf-wire';
import {
  blockEnd,
  firstBlockAfter,
  type EventSource,
  type EventStream,
  type OpenOptions,
  type SealedFacts,
  type SourceEvent,
} from './source';

const VALID = 0; // peer.TxValidationCode.VALID
const ENDORSER_TRANSACTION = 3; // common.HeaderType.ENDORSER_TRANSACTION

/** A chaincode event with the index of its transaction in the block. */
type IndexedEvent = SourceEvent & { readonly txIndex: number };

/** One transaction of a block as read in place: its id and its chaincode events. */
interface ReadTransaction {
  readonly txId: string;
  readonly events: readonly { readonly eventName: string; readonly payload: Uint8Array }[];
}

/**
 * The transaction id and the chaincode events of `chaincodeName` in each action of a transaction
 * envelope, read in place (`protobuf-wire.ts`): Envelope.payload, Payload.header.channel_header (type,
 * tx id) and Payload.data, a Transaction whose actions lead through ChaincodeActionPayload.action,
 * ChaincodeEndorsedAction.proposal_response_payload and ProposalResponsePayload.extension to the
 * ChaincodeAction's events. Field numbers are those of the messages of the same names in
 * `@hyperledger/fabric-protos`; the tests build blocks with that package to hold this reader to them.
 */
function readEnvelope(envelope: Uint8Array, chaincodeName: string): ReadTransaction {
  const payload = bytesField(envelope, 1);
  const channelHeader = bytesField(bytesField(payload, 1), 1);
  const txId = stringField(channelHeader, 5);
  if (varintField(channelHeader, 1) !== ENDORSER_TRANSACTION) return { txId, events: [] };
  const events: { eventName: string; payload: Uint8Array }[] = [];
  for (const action of repeatedBytes(bytesField(payload, 2), 1)) {
    const endorsedAction = bytesField(bytesField(action, 2), 2);
    const chaincodeAction = bytesField(bytesField(endorsedAction, 1), 2);
    const event = bytesField(chaincodeAction, 2);
    if (event.length === 0) continue;
    const eventName = stringField(event, 3);
    if (stringField(event, 1) !== chaincodeName || eventName === '') continue;
    // A copy: the event outlives the block it came in (batches), the view would keep the block.
    events.push({ eventName, payload: bytesField(event, 4).slice() });
  }
  return { txId, events };
}

/** A block read once: each transaction's id and validation code, and the valid ones' events. */
function readBlock(
  block: common.Block,
  chaincodeName: string,
): {
  readonly number: bigint;
  readonly transactions: CommittedBlock['transactions'];
  readonly events: IndexedEvent[];
} {
  const number = BigInt(block.getHeader()?.getNumber() ?? 0);
  const filter = block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER];
  const transactions: { txId: string; code: ValidationCode }[] = [];
  const events: IndexedEvent[] = [];
  block
    .getData()
    ?.getDataList_asU8()
    .forEach((envelopeBytes, txIndex) => {
      const code = (filter?.[txIndex] ?? VALID) as ValidationCode;
      // Events are read only from valid transactions; an invalid one's id is all commit tracking needs.
      const tx = code === VALID ? readEnvelope(envelopeBytes, chaincodeName) : readTxId(envelopeBytes);
      transactions.push({ txId: tx.txId, code });
      for (const e of tx.events) events.push({ blockNumber: number, txId: tx.txId, ...e, txIndex });
    });
  return { number, transactions, events };
}

/**
 * The transaction id of an invalid transaction's envelope (its channel header's), without its events;
 * empty when the envelope is not well formed (Fabric marks such a transaction invalid and it answers
 * no write).
 */
function readTxId(envelope: Uint8Array): ReadTransaction {
  try {
    const channelHeader = bytesField(bytesField(bytesField(envelope, 1), 1), 1);
    return { txId: stringField(channelHeader, 5), events: [] };
  } catch {
    return { txId: '', events: [] };
  }
}

function eventsOfBlock(block: common.Block, chaincodeName: string): IndexedEvent[] {
  return readBlock(block, chaincodeName).events;
}

/** Chaincode events of the valid transactions of one block, in block order. */
export function chaincodeEventsOfBlock(block: common.Block, chaincodeName: string): SourceEvent[] {
  return eventsOfBlock(block, chaincodeName).map((e) => ({
    blockNumber: e.blockNumber,
    txId: e.txId,
    eventName: e.eventName,
    payload: e.payload,
  }));
}

/** The value a transaction wrote under `key` in `collection` of `namespace`, if its write set holds it. */
function privateWrite(
  rwset: ledger.rwset.TxPvtReadWriteSet,
  namespace: string,
  collection: string,
  key: string,
): Uint8Array | undefined {
  for (const ns of rwset.getNsPvtRwsetList()) {
    if (ns.getNamespace() !== namespace) continue;
    for (const coll of ns.getCollectionPvtRwsetList()) {
      if (coll.getCollectionName() !== collection) continue;
      const writes = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(coll.getRwset_asU8()).getWritesList();
      const write = writes.find((w) => w.getKey() === key && !w.getIsDelete());
      if (write) return write.getValue_asU8();
    }
  }
  return undefined;
}

/** A sealed value of `schema`, or undefined when the bytes are not one. */
function sealedValue<S extends z.ZodType>(bytes: Uint8Array | undefined, schema: S): z.output<S> | undefined {
  if (bytes === undefined) return undefined;
  try {
    const envelope = sealedValueSchema.parse(JSON.parse(Buffer.from(bytes).toString('utf8')));
    const value = schema.safeParse(envelope.value);
    return value.success ? value.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The sealed facts of an event from its transaction's private write set: the audit event an access
 * decision wrote into the custodian's collection, the consent a grant wrote into the grantee org's,
 * the listing a record listing wrote into its doctor's org's.
 * Undefined when the set does not hold them (another org's collection: not delivered to this org).
 */
export function sealedFactsOfTransaction(
  event: SourceEvent,
  rwset: ledger.rwset.TxPvtReadWriteSet | undefined,
  namespace: string,
): SealedFacts | undefined {
  const decoded = rwset && decodeEvent(event.eventName, event.payload);
  if (!decoded) return undefined;
  if (decoded.name === 'AccessDecided') {
    const p = decoded.payload as { eventId: string; custodian: string };
    const key = fabricCompositeKey(KeyFamily.audit, [p.eventId]);
    const audit = sealedValue(
      privateWrite(rwset, namespace, sealedCollection(p.custodian), key),
      auditEventSchema,
    );
    return audit && { kind: 'access', patientDid: audit.patientDid, consentId: audit.consentId };
  }
  if (decoded.name === 'ConsentGranted') {
    const p = decoded.payload as { consentId: string; granteeOrg: string };
    const key = fabricCompositeKey(KeyFamily.consentTerms, [p.consentId]);
    const consent = sealedValue(
      privateWrite(rwset, namespace, sealedCollection(p.granteeOrg), key),
      consentSchema,
    );
    return (
      consent && { kind: 'consent', patientDid: consent.patientDid, grantee: granteeKey(consent.grantee) }
    );
  }
  if (decoded.name === 'RecordListingOpened') {
    const p = decoded.payload as { listingId: string; actorMsp: string };
    const key = fabricCompositeKey(KeyFamily.recordListing, [p.listingId]);
    const listing = sealedValue(
      privateWrite(rwset, namespace, sealedCollection(p.actorMsp), key),
      recordListingSchema,
    );
    return (
      listing && { kind: 'listing', patientDid: listing.patientDid, categories: listing.emergencyCategories }
    );
  }
  return undefined;
}

/** The private write sets of a delivered block, by the index of their transaction in the block. */
function privateDataOf(
  item: peer.BlockAndPrivateData,
): (txIndex: number) => ledger.rwset.TxPvtReadWriteSet | undefined {
  // The map's class comes from google-protobuf, whose types this package does not load.
  const map = item.getPrivateDataMapMap() as unknown as {
    get(txIndex: number): ledger.rwset.TxPvtReadWriteSet | undefined;
  };
  return (txIndex) => map.get(txIndex);
}

/** One block's events (and, with private data, the sealed facts of each) from a delivered block. */
type BlockOf<T> = (item: T) => { readonly number: bigint; readonly events: readonly SourceEvent[] };

/**
 * A block delivered with the private data this gateway's org may hold, read once: its transactions'
 * outcomes and its events, each with its sealed facts.
 */
export function feedBlockOf(item: peer.BlockAndPrivateData, chaincodeName: string): FeedBlock {
  const { number, transactions, events } = readBlock(item.getBlock() ?? new common.Block(), chaincodeName);
  const rwsetOf = privateDataOf(item);
  return {
    number,
    transactions,
    events: events.map((e): SourceEvent => {
      const { txIndex, ...event } = e;
      const sealed = sealedFactsOfTransaction(event, rwsetOf(txIndex), chaincodeName);
      return sealed ? { ...event, sealed } : event;
    }),
  };
}

/**
 * The one block stream of a gateway (`block-feed.ts`): the local peer's blocks with the private data
 * its org may hold, through the gateway's own `network`.
 */
export function fabricFeedSource(network: Network, chaincodeName: string): FeedBlockSource {
  return {
    height: () => channelHeight(network),
    async open(startBlock) {
      const blocks = await network.getBlockAndPrivateDataEvents({ startBlock });
      return {
        async *[Symbol.asyncIterator]() {
          for await (const item of blocks) yield feedBlockOf(item, chaincodeName);
        },
        close: () => {
          blocks.close();
        },
      };
    },
  };
}

/**
 * The events of `blocks` after `after` (fabric-gateway's checkpoint semantics), each block's followed
 * by its end, up to `endBlock` (exclusive) when given.
 */
function eventsAfter<T>(
  blocks: CloseableAsyncIterable<T>,
  blockOf: BlockOf<T>,
  options: Readonly<OpenOptions>,
): EventStream {
  const { after, endBlock } = options;
  return {
    async *[Symbol.asyncIterator]() {
      let skipping = after !== undefined;
      for await (const item of blocks) {
        const { number, events } = blockOf(item);
        for (const e of events) {
          if (skipping && after) {
            if (e.blockNumber === after.blockNumber && e.txId === after.txId) skipping = false;
            if (e.blockNumber <= after.blockNumber) continue;
          }
          yield e;
        }
        yield blockEnd(number);
        if (endBlock !== undefined && number + 1n >= endBlock) return;
      }
    },
    close: () => {
      blocks.close();
    },
  };
}

/** Options of {@link FabricEventSource}. */
export interface FabricEventSourceOptions {
  /**
   * Read blocks with the private data this gateway's org may hold, and attach each event's sealed facts
   * (a member org's gateway: the custodians', the grantees', the regulator's).
   */
  readonly privateData?: boolean;
}

/** Reads the ledger of a channel through a fabric-gateway `Network`. */
export class FabricEventSource implements EventSource {
  readonly #network: Network;
  readonly #chaincode: string;
  readonly #privateData: boolean;

  constructor(network: Network, chaincodeName: string, options: Readonly<FabricEventSourceOptions> = {}) {
    this.#network = network;
    this.#chaincode = chaincodeName;
    this.#privateData = options.privateData === true;
  }

  async open(options: Readonly<OpenOptions>): Promise<EventStream> {
    const after = options.after;
    const startBlock = firstBlockAfter(after);
    if (options.endBlock !== undefined && startBlock >= options.endBlock) {
      return { [Symbol.asyncIterator]: async function* () {}, close: () => undefined };
    }
    const chaincode = this.#chaincode;
    if (this.#privateData) {
      const blocks = await this.#network.getBlockAndPrivateDataEvents({ startBlock });
      return eventsAfter(blocks, (item) => feedBlockOf(item, chaincode), options);
    }
    if (options.endBlock === undefined) return this.#liveEvents(after);
    // fabric-gateway decodes blocks with the same protos package this module imports.
    const blocks: CloseableAsyncIterable<common.Block> = await this.#network.getBlockEvents({ startBlock });
    return eventsAfter(
      blocks,
      (block) => ({
        number: BigInt(block.getHeader()?.getNumber() ?? 0),
        events: chaincodeEventsOfBlock(block, chaincode),
      }),
      options,
    );
  }

  /**
   * Chaincode events from the checkpoint on (the live path without private data). They say no block's
   * end: blocks without events of this chaincode never reach this stream.
   */
  async #liveEvents(after: OpenOptions['after']): Promise<EventStream> {
    // A block passed whole is no transaction to resume after: start at the next block instead.
    const checkpoint: Checkpoint | undefined =
      after === undefined || after.txId === ''
        ? undefined
        : { getBlockNumber: () => after.blockNumber, getTransactionId: () => after.txId };
    const events = await this.#network.getChaincodeEvents(
      this.#chaincode,
      checkpoint ? { checkpoint } : { startBlock: firstBlockAfter(after) },
    );
    return {
      async *[Symbol.asyncIterator]() {
        for await (const e of events) {
          yield {
            blockNumber: e.blockNumber,
            txId: e.transactionId,
            eventName: e.eventName,
            payload: e.payload,
          };
        }
      },
      close: () => {
        events.close();
      },
    };
  }

  /** The channel height from the `qscc` system chaincode. */
  height(): Promise<bigint> {
    return channelHeight(this.#network);
  }
}
