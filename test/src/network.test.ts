import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { channelBatchSettings, networkContext, setBatchSettings } from '@medledger/network';
import { peersLevel } from './support/faults';
import { networkCli } from './support/governance';
import { selfSignedClient } from './support/rogue-ca';
import { gatewayFor, orgInfo, useNetwork } from './support/network';

const utf8 = new TextDecoder();

/** The MSP IDs of the endorsers of a committed transaction, decoded from the block data. */
function endorserMspIds(processed: peer.ProcessedTransaction): string[] {
  const envelope = processed.getTransactionenvelope();
  assert.ok(envelope);
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const tx = peer.Transaction.deserializeBinary(payload.getData_asU8());
  const action = tx.getActionsList()[0];
  assert.ok(action);
  const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
  const endorsements = actionPayload.getAction()?.getEndorsementsList() ?? [];
  return endorsements.map((e) => msp.SerializedIdentity.deserializeBinary(e.getEndorser_asU8()).getMspid());
}

/** gRPC status of a unary call to a method no server implements: tells TLS refusal from a served call. */
function probe(
  address: string,
  hostName: string,
  credentials: grpc.ChannelCredentials,
): Promise<grpc.status> {
  // The host name the server's certificate carries, not the IP address dialled.
  const client = new grpc.Client(address, credentials, { 'grpc.ssl_target_name_override': hostName });
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      '/medledger.Probe/Nothing',
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.alloc(0),
      new grpc.Metadata(),
      { deadline: Date.now() + 5000 },
      (err) => {
        client.close();
        resolve(err?.code ?? grpc.status.OK);
      },
    );
  });
}

describe('the consortium', () => {
  const network = useNetwork();

  it('when a Hospital1 doctor submits a transaction, then it commits VALID with two orgs endorsing and Hospital2 reads it back', async () => {
    const h1 = gatewayFor(network(), 'Hospital1', 'hospital1-attending-1');
    const h2 = gatewayFor(network(), 'Hospital2', 'hospital2-attending-1');
    try {
      // The signer is a person enrolled from the Hospital1 CA, not a cryptogen identity.
      const cert = new X509Certificate(Buffer.from(h1.gateway.getIdentity().credentials));
      assert.match(cert.subject, /CN=hospital1-attending-1/);
      assert.match(cert.issuer, /ca\.hospital1\.medledger\.local/);

      const contract = h1.gateway.getNetwork(network().channel).getContract(network().chaincode);
      const commit = await contract.submitAsync('health:Ping');
      const status = await commit.getStatus();
      assert.equal(status.successful, true);
      assert.equal(status.code, peer.TxValidationCode.VALID);
      const txId = utf8.decode(commit.getResult());
      assert.equal(txId, commit.getTransactionId());

      // Read the transaction back from Hospital2's own peer ledger, once it has committed the block
      // (another org's peer commits it some milliseconds after the writer's own).
      await peersLevel(network());
      const qscc = h2.gateway.getNetwork(network().channel).getContract('qscc');
      const bytes = await qscc.evaluateTransaction('GetTransactionByID', network().channel, txId);
      const processed = peer.ProcessedTransaction.deserializeBinary(bytes);
      assert.equal(processed.getValidationcode(), peer.TxValidationCode.VALID);
      const endorsers = new Set(endorserMspIds(processed));
      assert.ok(endorsers.size >= 2, `endorsed by ${[...endorsers].join(', ')}`);

      // And the state it wrote, through Hospital2's peer.
      const health = h2.gateway.getNetwork(network().channel).getContract(network().chaincode);
      const found = utf8.decode(
        await health.evaluate('health:GetPing', {
          arguments: [txId],
          endorsingOrganizations: ['Hospital2MSP'],
        }),
      );
      assert.equal(found, 'true');
    } finally {
      h1.gateway.close();
      h1.client.close();
      h2.gateway.close();
      h2.client.close();
    }
  });

  it('when every peer is asked, then all report the same height and block hash', async () => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const infos = await Promise.all(
        network().orgs.map(async (org) => {
          const userId = org.users.find((u) => !u.endsWith('-admin')) ?? org.users[0] ?? '';
          const conn = gatewayFor(network(), org.name, userId);
          try {
            const qscc = conn.gateway.getNetwork(network().channel).getContract('qscc');
            const bytes = await qscc.evaluate('GetChainInfo', {
              arguments: [network().channel],
              endorsingOrganizations: [org.mspId],
            });
            const chain = common.BlockchainInfo.deserializeBinary(bytes);
            return `${chain.getHeight()}:${Buffer.from(chain.getCurrentblockhash_asU8()).toString('hex')}`;
          } finally {
            conn.gateway.close();
            conn.client.close();
          }
        }),
      );
      if (new Set(infos).size === 1) {
        assert.ok(Number((infos[0] ?? '0').split(':')[0]) > 1);
        return;
      }
      if (Date.now() > deadline) assert.fail(`peers disagree: ${infos.join(' | ')}`);
      await sleep(500);
    }
  });

  it("when every org's peer is asked for the build network(), then all orgs' chaincode servers run the same code", async () => {
    const infos = await Promise.all(
      network().orgs.map(async (org) => {
        const userId = org.users.find((u) => !u.endsWith('-admin')) ?? org.users[0] ?? '';
        const conn = gatewayFor(network(), org.name, userId);
        try {
          const contract = conn.gateway.getNetwork(network().channel).getContract(network().chaincode);
          const bytes = await contract.evaluate('health:GetBuildInfo', {
            endorsingOrganizations: [org.mspId],
          });
          return JSON.parse(utf8.decode(bytes)) as { name: string; codeHash: string };
        } finally {
          conn.gateway.close();
          conn.client.close();
        }
      }),
    );
    assert.equal(new Set(infos.map((i) => i.codeHash)).size, 1, JSON.stringify(infos));
    assert.match(infos[0]?.codeHash ?? '', /^[0-9a-f]{64}$/);
  });

  it('when a client has no certificate or one from an unknown CA, then a peer and an orderer refuse it', async () => {
    const org = orgInfo(network(), 'Hospital1');
    const peerNode = org.peers[0];
    const orderer = network().orderers[0];
    assert.ok(peerNode && orderer);
    const rogue = await selfSignedClient();
    for (const [address, hostName, caFile] of [
      [peerNode.address, peerNode.name, peerNode.tlsCaCert],
      [orderer.address, orderer.name, orderer.tlsCaCert],
    ] as const) {
      const ca = readFileSync(caFile);
      const valid = grpc.credentials.createSsl(
        ca,
        readFileSync(org.tlsClient.key),
        readFileSync(org.tlsClient.cert),
      );
      // Control: with the org's client certificate the server answers (the method does not exist).
      assert.equal(
        await probe(address, hostName, valid),
        grpc.status.UNIMPLEMENTED,
        `${address} with a valid certificate`,
      );
      assert.equal(
        await probe(address, hostName, grpc.credentials.createSsl(ca)),
        grpc.status.UNAVAILABLE,
        `${address} without a certificate`,
      );
      assert.equal(
        await probe(address, hostName, grpc.credentials.createSsl(ca, rogue.key, rogue.cert)),
        grpc.status.UNAVAILABLE,
        `${address} with a certificate from an unknown CA`,
      );
    }
  });

  it("when the ordering org's admin changes the batch timeout, then the running channel takes it and writes commit; a member org's admin is refused", async () => {
    const ctx = await networkContext();
    const org = ctx.topology.peerOrgs[0];
    assert.ok(org);
    const read = () => channelBatchSettings(ctx.install, ctx.topology, ctx.paths);
    const before = read();
    const other = before.batchTimeout === '20ms' ? '30ms' : '20ms';
    // A hospital's admin cannot retune the orderers: the Orderer group's mod_policy is the ordering org's.
    await assert.rejects(
      setBatchSettings(ctx.install, ctx.topology, ctx.paths, { ...before, batchTimeout: other }, org),
      /FORBIDDEN|policy/,
    );
    assert.deepEqual(read(), before);
    const h1 = gatewayFor(network(), 'Hospital1', 'hospital1-attending-1');
    try {
      const out = await networkCli(['ordering', '--batch-timeout', other]);
      assert.ok(
        out.includes(
          `BatchTimeout ${other}, MaxMessageCount ${String(before.maxMessageCount)} (was ${before.batchTimeout},`,
        ),
        out,
      );
      assert.deepEqual(read(), { ...before, batchTimeout: other });
      const contract = h1.gateway.getNetwork(network().channel).getContract(network().chaincode);
      const status = await (await contract.submitAsync('health:Ping')).getStatus();
      assert.equal(status.code, peer.TxValidationCode.VALID);
    } finally {
      h1.gateway.close();
      h1.client.close();
      await networkCli(['ordering', '--batch-timeout', before.batchTimeout]);
    }
    assert.deepEqual(read(), before);
  });
  it('when the consortium runs, then every line each gateway wrote since it started is a JSON log record, but the one that says where it listens', () => {
    const info = network();
    for (const org of info.orgs) {
      const file = join(info.stateDir, 'logs', `gateway-${org.name.toLowerCase()}.log`);
      const lines = readFileSync(file, 'utf8').split('\n');
      const banner = lines.findLastIndex((line) =>
        line.startsWith(`MedLedger gateway ${org.name} listening on`),
      );
      assert.ok(banner >= 0, `${file}: no start`);
      const notJson = lines.slice(banner + 1).filter((line) => {
        if (line === '') return false;
        try {
          return typeof JSON.parse(line) !== 'object';
        } catch {
          return true;
        }
      });
      assert.deepEqual(notJson, [], file);
    }
  });
});
