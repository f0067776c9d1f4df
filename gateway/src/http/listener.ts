import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { GatewayConfig } from '../config';

/**
 * The HTTP(S) server for the app. Plain HTTP suits a loopback deployment behind a TLS-terminating
 * proxy; with `listen.tls` the gateway serves HTTPS itself and, with `requireClientCert`, only to
 * system clients holding a certificate from `clientCaPath` (mutual TLS, on top of bearer tokens).
 */
export function createListener(
  config: Readonly<Pick<GatewayConfig, 'limits' | 'listen'>>,
  app: RequestListener,
): { server: Server; scheme: string } {
  const common = { maxHeaderSize: config.limits.headerBytes, requestTimeout: 120_000 };
  const tls = config.listen.tls;
  if (tls === undefined) return { server: createHttpServer(common, app), scheme: 'http' };
  const server = createHttpsServer(
    {
      ...common,
      cert: readFileSync(tls.certPath),
      key: readFileSync(tls.keyPath),
      minVersion: 'TLSv1.2',
      ...(tls.clientCaPath === undefined
        ? {}
        : {
            ca: readFileSync(tls.clientCaPath),
            requestCert: true,
            rejectUnauthorized: tls.requireClientCert,
          }),
    },
    app,
  );
  return { server, scheme: 'https' };
}
