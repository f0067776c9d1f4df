/**
 * The event source over a fabric-gateway `Network`: live following uses chaincode events resumed from
 * the projection's checkpoint; bounded reads (rebuild, consistency check) read whole blocks, so they
 * know when the last block has passed even if it held no event of this chaincode.
 */
import type { Checkpoint, CloseableAsyncIterable, Network } from '@hyperledger/fabric-gateway';
import { common, peer } from '@hyperledger/fabric-protos';

import { channelHeight } from '../../fabric/commit-tracker';

import type { EventSource, EventStream, OpenOptions, SourceEvent } from './source';

const VALID = 0; // peer.TxValidationCode.VALID
const ENDORSER_TRANSACTION = 3; // common.HeaderType.ENDORSER_TRANSACTION

/** Chaincode events of the valid transactions of one block, in block order. */
export function chaincodeEventsOfBlock(block: common.Block, chaincodeName: string): SourceEvent[] {
  const blockNumber = BigInt(block.getHeader()?.getNumber() ?? 0);
  const filter = block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER];
  const out: SourceEvent[] = [];
  block
    .getData()
    ?.getDataList_asU8()
    .forEach((envelopeBytes, index) => {
      if (filter && filter[index] !== VALID) return;
      const payload = common.Payload.deserializeBinary(
        common.Envelope.deserializeBinary(envelopeBytes).getPayload_asU8(),
      );
      const header = common.ChannelHeader.deserializeBinary(
        payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
      );
      if (header.getType() !== ENDORSER_TRANSACTION) return;
      const tx = peer.Transaction.deserializeBinary(payload.getData_asU8());
      for (const action of tx.getActionsList()) {
        const cap = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
        const prp = peer.ProposalResponsePayload.deserializeBinary(
          cap.getAction()?.getProposalResponsePayload_asU8() ?? new Uint8Array(),
        );
        const ca = peer.ChaincodeAction.deserializeBinary(prp.getExtension_asU8());
        const eventBytes = ca.getEvents_asU8();
        if (eventBytes.length === 0) continue;
        const event = peer.ChaincodeEvent.deserializeBinary(eventBytes);
        if (event.getChaincodeId() !== chaincodeName || event.getEventName() === '') continue;
        out.push({
          blockNumber,
          txId: header.getTxId(),
          eventName: event.getEventName(),
          payload: event.getPayload_asU8(),
        });
      }
    });
  return out;
}

/** Reads the ledger of a channel through a fabric-gateway `Network`. */
export class FabricEventSource implements EventSource {
  readonly #network: Network;
  readonly #chaincode: string;

  constructor(network: Network, chaincodeName: string) {
    this.#network = network;
    this.#chaincode = chaincodeName;
  }

  async open(options: Readonly<OpenOptions>): Promise<EventStream> {
    const after = options.after;
    if (options.endBlock === undefined) {
      const checkpoint: Checkpoint | undefined = after && {
        getBlockNumber: () => after.blockNumber,
        getTransactionId: () => after.txId,
      };
      const events = await this.#network.getChaincodeEvents(
        this.#chaincode,
        checkpoint ? { checkpoint } : { startBlock: 0n },
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
    const endBlock = options.endBlock;
    const startBlock = after?.blockNumber ?? 0n;
    if (startBlock >= endBlock)
      return { [Symbol.asyncIterator]: async function* () {}, close: () => undefined };
    // fabric-gateway decodes blocks with the same protos package this module imports.
    const blocks: CloseableAsyncIterable<common.Block> = await this.#network.getBlockEvents({ startBlock });
    const chaincode = this.#chaincode;
    return {
      async *[Symbol.asyncIterator]() {
        let skipping = after !== undefined;
        for await (const block of blocks) {
          const events = chaincodeEventsOfBlock(block, chaincode);
          const number = BigInt(block.getHeader()?.getNumber() ?? 0);
          for (const e of events) {
            if (skipping && after) {
              if (e.blockNumber === after.blockNumber && e.txId === after.txId) skipping = false;
              if (e.blockNumber <= after.blockNumber) continue;
            }
            yield e;
          }
          if (number + 1n >= endBlock) return;
        }
      },
      close: () => {
        blocks.close();
      },
    };
  }

  /** The channel height from the `qscc` system chaincode. */
  height(): Promise<bigint> {
    return channelHeight(this.#network);
  }
}
