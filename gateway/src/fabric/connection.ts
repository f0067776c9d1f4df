/**
 * gRPC connections to peers: one client per peer, shared by every identity, with mutual TLS; and the
 * gateway's own fabric-gateway connection (its service identity) for events and blocks.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

import * as grpc from '@grpc/grpc-js';
import { connect, hash, type Gateway } from '@hyperledger/fabric-gateway';

import type { GatewayConfig, PeerConfig } from '../config';
import type { Wallet } from '../wallet';
import { newOpenSslSigner } from './signer';

/** A peer connection. */
export interface PeerConnection {
  readonly peer: Readonly<PeerConfig>;
  readonly client: grpc.Client;
}

/** Opens one gRPC client per peer of the gateway's own org, the local peer first. */
export function connectPeers(config: Readonly<GatewayConfig>): PeerConnection[] {
  const cert = readFileSync(config.tlsClient.certPath);
  const key = readFileSync(config.tlsClient.keyPath);
  const own = config.peers
    .filter((p) => p.mspId === config.org.mspId)
    .sort((a, b) => Number(b.local) - Number(a.local));
  return own.map((peer) => {
    const root = readFileSync(peer.tlsRootCertPath);
    const credentials = grpc.credentials.createSsl(root, key, cert);
    const options: grpc.ChannelOptions = {
      // Fabric peers answer pings more frequent than `peer.keepalive.minInterval` (60 s by default) with
      // a GOAWAY (too_many_pings) that drops every call and stream of the connection, the projection's
      // and the commit tracker's long-lived streams included.
      'grpc.keepalive_time_ms': 90_000,
      'grpc.keepalive_timeout_ms': 10_000,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.max_receive_message_length': 100 * 1024 * 1024,
    };
    if (peer.hostnameOverride) options['grpc.ssl_target_name_override'] = peer.hostnameOverride;
    return { peer, client: new grpc.Client(peer.endpoint, credentials, options) };
  });
}

/**
 * SHA-256 of a TLS client certificate's DER bytes: the `tlsClientCertificateHash` fabric-gateway
 * needs when the peer requires mutual TLS, because its deliver service (block events) checks the hash
 * against the connection's certificate.
 */
export function tlsCertificateHash(pem: string | Buffer): Uint8Array {
  return createHash('sha256').update(new X509Certificate(pem).raw).digest();
}

/**
 * A fabric-gateway connection to `peer` signed by `enrollmentId` from the wallet (the gateway's own
 * identity): the projection follows chaincode events and the commit tracker follows blocks over it.
 */
export async function connectAs(
  config: Readonly<GatewayConfig>,
  peer: PeerConnection,
  wallet: Wallet,
  enrollmentId: string,
): Promise<Gateway> {
  const id = await wallet.get(enrollmentId);
  if (!id) throw new Error('identity not in the wallet');
  return connect({
    client: peer.client,
    identity: { mspId: id.mspId, credentials: Buffer.from(id.certificate) },
    signer: newOpenSslSigner(id.privateKey),
    hash: hash.none,
    tlsClientCertificateHash: tlsCertificateHash(readFileSync(config.tlsClient.certPath)),
    evaluateOptions: () => ({ deadline: Date.now() + config.timeouts.evaluateMs }),
  });
}
