/**
 * gRPC connections to peers: one client per peer, shared by every identity, with mutual TLS.
 */
import { readFileSync } from 'node:fs';

import * as grpc from '@grpc/grpc-js';

import type { GatewayConfig, PeerConfig } from '../config';

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
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.max_receive_message_length': 100 * 1024 * 1024,
    };
    if (peer.hostnameOverride) options['grpc.ssl_target_name_override'] = peer.hostnameOverride;
    return { peer, client: new grpc.Client(peer.endpoint, credentials, options) };
  });
}
