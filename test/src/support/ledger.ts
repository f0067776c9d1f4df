import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect, hash } from '@hyperledger/fabric-gateway';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import type { NetworkInfo } from '@medledger/network';
import { gatewayFor, orgInfo, peerConnection, userCredentials } from './network';

/** One transaction as read back from a peer's block store. */
export interface LedgerTx {
  readonly block: number;
  readonly txId: string;
  readonly type: number;
  readonly validationCode: number;
  /** `contract:Function` for chaincode invocations, else ''. */
  readonly fn: string;
  readonly chaincode: string;
  /** MSP IDs of the endorsers. */
  readonly endorsers: readonly string[];
  /** The first argument after the function name (canonical JSON input), else ''. */
  readonly arg: string;
  /** The chaincode's response payload written into the block (a submit's result), else ''. */
  readonly result: string;
}

const utf8 = new TextDecoder();

function decodeTx(block: number, envelopeBytes: Uint8Array, validationCode: number): LedgerTx {
  const envelope = common.Envelope.deserializeBinary(envelopeBytes);
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const channelHeader = common.ChannelHeader.deserializeBinary(
    payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
  );
  const base = { block, txId: channelHeader.getTxId(), type: channelHeader.getType(), validationCode };
  if (channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION) {
    return { ...base, fn: '', chaincode: '', endorsers: [], arg: '', result: '' };
  }
  const tx = peer.Transaction.deserializeBinary(payload.getData_asU8());
  const action = tx.getActionsList()[0];
  if (action === undefined) return { ...base, fn: '', chaincode: '', endorsers: [], arg: '', result: '' };
  const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
  const proposalPayload = peer.ChaincodeProposalPayload.deserializeBinary(
    actionPayload.getChaincodeProposalPayload_asU8(),
  );
  const spec = peer.ChaincodeInvocationSpec.deserializeBinary(
    proposalPayload.getInput_asU8(),
  ).getChaincodeSpec();
  const args = spec?.getInput()?.getArgsList_asU8() ?? [];
  const endorsers = (actionPayload.getAction()?.getEndorsementsList() ?? []).map((e) =>
    msp.SerializedIdentity.deserializeBinary(e.getEndorser_asU8()).getMspid(),
  );
  const responsePayload = peer.ProposalResponsePayload.deserializeBinary(
    actionPayload.getAction()?.getProposalResponsePayload_asU8() ?? new Uint8Array(),
  );
  const response = peer.ChaincodeAction.deserializeBinary(responsePayload.getExtension_asU8()).getResponse();
  return {
    ...base,
    fn: args[0] === undefined ? '' : utf8.decode(args[0]),
    chaincode: spec?.getChaincodeId()?.getName() ?? '',
    endorsers,
    arg: args[1] === undefined ? '' : utf8.decode(args[1]),
    result: utf8.decode(response?.getPayload_asU8() ?? new Uint8Array()),
  };
}

/** Every transaction of the channel from `fromBlock` on, read block by block through one org's peer. */
export async function readLedger(
  info: NetworkInfo,
  orgName: string,
  userId: string,
  fromBlock = 0,
): Promise<LedgerTx[]> {
  const { gateway, client } = gatewayFor(info, orgName, userId);
  try {
    const qscc = gateway.getNetwork(info.channel).getContract('qscc');
    const org = info.orgs.find((o) => o.name === orgName);
    const evaluate = (fn: string, ...args: string[]) =>
      qscc.evaluate(fn, { arguments: args, endorsingOrganizations: org ? [org.mspId] : [] });
    const chain = common.BlockchainInfo.deserializeBinary(await evaluate('GetChainInfo', info.channel));
    const txs: LedgerTx[] = [];
    for (let n = fromBlock; n < chain.getHeight(); n++) {
      const block = common.Block.deserializeBinary(
        await evaluate('GetBlockByNumber', info.channel, String(n)),
      );
      const filter =
        block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ??
        new Uint8Array();
      block
        .getData()
        ?.getDataList_asU8()
        .forEach((env, i) => txs.push(decodeTx(n, env, filter[i] ?? 0)));
    }
    return txs;
  } finally {
    gateway.close();
    client.close();
  }
}

/** The channel's current height as one org's peer sees it. */
export async function chainHeight(info: NetworkInfo, orgName: string, userId: string): Promise<number> {
  const { gateway, client } = gatewayFor(info, orgName, userId);
  try {
    const org = info.orgs.find((o) => o.name === orgName);
    const bytes = await gateway
      .getNetwork(info.channel)
      .getContract('qscc')
      .evaluate('GetChainInfo', {
        arguments: [info.channel],
        endorsingOrganizations: org ? [org.mspId] : [],
      });
    return common.BlockchainInfo.deserializeBinary(bytes).getHeight();
  } finally {
    gateway.close();
    client.close();
  }
}

/**
 * What one peer of an org holds of each block's private data, as it delivers blocks `from` to `to`
 * (waiting for those it has not committed yet, at most `timeoutMs`) to one of the org's people: per
 * block, a SHA-256 of each transaction's private write set the org may read, in transaction order.
 */
export async function privateDataDigests(
  info: NetworkInfo,
  orgName: string,
  userId: string,
  peerIndex: number,
  { from, to, timeoutMs }: { from: number; to: number; timeoutMs: number },
): Promise<string[]> {
  const org = orgInfo(info, orgName);
  const client = peerConnection(org, peerIndex);
  const tlsCertificate = new X509Certificate(readFileSync(org.tlsClient.cert)).raw;
  const gateway = connect({
    client,
    ...userCredentials(info, org, userId),
    hash: hash.sha256,
    // A peer delivers blocks only to a caller that binds its request to its TLS client certificate.
    tlsClientCertificateHash: createHash('sha256').update(tlsCertificate).digest(),
    blockAndPrivateDataEventsOptions: () => ({ deadline: Date.now() + timeoutMs }),
  });
  const events = await gateway
    .getNetwork(info.channel)
    .getBlockAndPrivateDataEvents({ startBlock: BigInt(from) });
  const digests: string[] = [];
  try {
    for await (const event of events) {
      const entries: string[] = [];
      event.getPrivateDataMapMap().forEach((writeSet, txIndex) => {
        entries.push(
          `${String(txIndex)}:${createHash('sha256').update(writeSet.serializeBinary()).digest('hex')}`,
        );
      });
      digests.push(entries.sort().join(','));
      if (Number(event.getBlock()?.getHeader()?.getNumber()) >= to) break;
    }
  } finally {
    events.close();
    gateway.close();
    client.close();
  }
  return digests;
}
