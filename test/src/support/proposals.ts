/**
 * Proposals with a timestamp the signer chose, built the way any client can: fabric-gateway's offline
 * signing (`Contract.newProposal` without a signer), the timestamp of the channel header rewritten,
 * then signed over the new bytes and handed back with `Gateway.newSignedProposal`.
 */
import { createHash } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import {
  connect,
  hash,
  type Gateway,
  type Proposal,
  type ProposalOptions,
} from '@hyperledger/fabric-gateway';
import { common, gateway as gatewayProtos, peer } from '@hyperledger/fabric-protos';
import type { NetworkInfo } from '@medledger/network';
import { mspCredentials, orgInfo, peerConnection } from './network';

/** A connection without a signer (offline signing) and the signer kept aside. */
export interface OfflineSigner {
  readonly gateway: Gateway;
  readonly client: grpc.Client;
  /** A proposal of `fn` whose channel header says `time`, signed by the identity. */
  proposalAt(fn: string, time: Date, options?: ProposalOptions): Promise<Proposal>;
  close(): void;
}

/** `proposedTransaction` (fabric-gateway `Proposal.getBytes()`) with its channel header timestamp set to `time`. */
export function withTimestamp(proposedTransaction: Uint8Array, time: Date): Uint8Array {
  const proposed = gatewayProtos.ProposedTransaction.deserializeBinary(proposedTransaction);
  const signed = proposed.getProposal();
  if (signed === undefined) throw new Error('no signed proposal');
  const proposal = peer.Proposal.deserializeBinary(signed.getProposalBytes_asU8());
  const header = common.Header.deserializeBinary(proposal.getHeader_asU8());
  const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
  // google-protobuf ships no typings: the Timestamp's two setters, as generated.
  const timestamp = channelHeader.getTimestamp() as unknown as
    { setSeconds(seconds: number): void; setNanos(nanos: number): void } | undefined;
  if (timestamp === undefined) throw new Error('no timestamp');
  const ms = time.getTime();
  timestamp.setSeconds(Math.floor(ms / 1000));
  timestamp.setNanos((ms % 1000) * 1_000_000);
  header.setChannelHeader(channelHeader.serializeBinary());
  proposal.setHeader(header.serializeBinary());
  signed.setProposalBytes(proposal.serializeBinary());
  proposed.setProposal(signed);
  return proposed.serializeBinary();
}

/** The bytes a proposal's signature covers: its `proposal_bytes`. */
function signedBytes(proposedTransaction: Uint8Array): Uint8Array {
  const signed = gatewayProtos.ProposedTransaction.deserializeBinary(proposedTransaction).getProposal();
  if (signed === undefined) throw new Error('no signed proposal');
  return signed.getProposalBytes_asU8();
}

/** An offline-signing connection to `orgName`'s peer as the identity of the MSP folder `msp`. */
export function offlineSigner(info: NetworkInfo, orgName: string, msp: string): OfflineSigner {
  const org = orgInfo(info, orgName);
  const { identity, signer } = mspCredentials(org, msp);
  const client = peerConnection(org);
  const gateway = connect({
    client,
    identity,
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + 20_000 }),
    endorseOptions: () => ({ deadline: Date.now() + 20_000 }),
  });
  const contract = gateway.getNetwork(info.channel).getContract(info.chaincode);
  return {
    gateway,
    client,
    async proposalAt(fn, time, options = {}) {
      const bytes = withTimestamp(contract.newProposal(fn, options).getBytes(), time);
      const digest = createHash('sha256').update(signedBytes(bytes)).digest();
      return gateway.newSignedProposal(bytes, await signer(digest));
    },
    close() {
      gateway.close();
      client.close();
    },
  };
}
