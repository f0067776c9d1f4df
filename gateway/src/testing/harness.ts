/** Starts an app on port 0 over the fake ledger, with a real JWKS and token minting. */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';

import type { Express } from 'express';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ensureOrgSigningKey } from '../auth/signing-key';
import { createTokenVerifier, mintToken, type MintOptions } from '../auth/tokens';
import { parseConfig, type GatewayConfig } from '../config';
import { createApp } from '../http/app';
import type { RouteDef } from '../http/route-table';
import { SqliteIdempotencyStore, type IdempotencyRetention } from '../idempotency';
import { SqliteNonceCache } from '../nonce-store';
import { createLogger } from '../logger';
import { createMetrics } from '../metrics';
import { MemoryEventSource } from '../projection/testing/memory-source';
import { startProjection, type ProjectionRuntime } from '../projection/runtime';
import { RateLimiter } from '../rate-limit';
import { Ledger } from '../services/ledger';
import { FakeLedgerClient } from './fake-ledger';
import { ResponseContract } from './response-contract';
import { serve } from './serve';

export const ISSUER = 'https://idp.hospital1.test';
export const AUDIENCE = 'medledger-gateway';

export interface TestGateway {
  readonly url: string;
  readonly fake: FakeLedgerClient;
  readonly routes: readonly RouteDef[];
  /** The Express app (its router lists what is really served). */
  readonly app: Express;
  readonly enrolled: string[];
  readonly signingKey: KeyObject;
  readonly config: Readonly<GatewayConfig>;
  /** The in-memory ledger of chaincode events the gateway's projection follows. */
  readonly events: MemoryEventSource;
  readonly projection: ProjectionRuntime;
  /** Checks every success answer against its route's response schema; `close` fails on a violation. */
  readonly contract: ResponseContract;
  /** Resolves once the projection holds every event appended to {@link events}. */
  caughtUp(): Promise<void>;
  token(subject: string, over?: Partial<MintOptions>): Promise<string>;
  close(): Promise<void>;
}

export function testConfig(
  dir: string,
  jwksPath: string,
  over: Record<string, unknown> = {},
): Readonly<GatewayConfig> {
  return parseConfig(
    {
      org: { name: 'Hospital1', mspId: 'Hospital1MSP' },
      listen: { host: '127.0.0.1', port: 0 },
      channel: 'medledger',
      chaincode: 'medledger',
      peers: [
        {
          name: 'peer0.hospital1',
          mspId: 'Hospital1MSP',
          endpoint: '127.0.0.1:7051',
          tlsRootCertPath: 'tls/ca.pem',
          local: true,
        },
      ],
      tlsClient: { certPath: 'tls/client.pem', keyPath: 'tls/client.key' },
      ca: {
        url: 'https://127.0.0.1:7054',
        caName: 'ca-hospital1',
        tlsRootCertPath: 'ca/tls.pem',
        registrar: { enrollmentId: 'registrar', secretPath: 'ca/secret' },
      },
      wallet: { dir: 'wallet', keyPath: 'wallet.key' },
      dataDir: 'data',
      auth: { issuer: ISSUER, audience: AUDIENCE, jwksPath, typ: 'at+jwt' },
      ...over,
    },
    dir,
  );
}

/** What {@link startTestGateway} may change. */
export interface TestGatewayOptions {
  limits?: Record<string, unknown>;
  rateLimiter?: RateLimiter;
  /** The gateway's org (default Hospital1). */
  org?: { name: string; mspId: string };
  projection?: Record<string, unknown>;
  /** What the idempotency store keeps and its clock (default: the store's defaults). */
  idempotency?: IdempotencyRetention;
  /** The web console's build folder; `null` serves none (default: the console package's build). */
  console?: string | null;
  /** The `credentials` config (default: none, so the issuer key is drawn at start). */
  credentials?: Record<string, unknown>;
  /** The clock of `/readyz`'s reuse of one check (default: the app's). */
  readinessClock?: () => number;
}

export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'gw-test-'));
  const keys = ensureOrgSigningKey(join(dir, 'auth'));
  const org = options.org ?? { name: 'Hospital1', mspId: 'Hospital1MSP' };
  const config = testConfig(dir, keys.jwksPath, {
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.projection ? { projection: options.projection } : {}),
    ...(options.console === undefined ? {} : { console: { dir: options.console } }),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.org
      ? {
          org,
          peers: [
            {
              name: `peer0.${org.name.toLowerCase()}`,
              mspId: org.mspId,
              endpoint: '127.0.0.1:7051',
              tlsRootCertPath: 'tls/ca.pem',
              local: true,
            },
          ],
        }
      : {}),
  });
  const fake = new FakeLedgerClient();
  const events = new MemoryEventSource();
  const projection = await startProjection({
    source: events,
    dataDir: join(dir, 'data'),
    config: config.projection,
  });
  const enrolled: string[] = [];
  const { app, routes } = createApp({
    config,
    ledger: new Ledger(fake, { org: org.mspId }),
    verifier: await createTokenVerifier({ ...config.auth, orgName: org.name, mspId: org.mspId }),
    idempotency: new SqliteIdempotencyStore(':memory:', options.idempotency),
    patientProofNonces: new SqliteNonceCache(':memory:'),
    enroller: {
      ensureEnrolled: (id) => {
        enrolled.push(id);
        return Promise.resolve();
      },
    },
    logger: createLogger('silent'),
    metrics: createMetrics(false),
    serviceEnrollmentId: 'gateway-service',
    projection: projection.service,
    projectionStatus: () => projection.status(),
    ...(options.rateLimiter ? { rateLimiter: options.rateLimiter } : {}),
    ...(options.readinessClock ? { readinessClock: options.readinessClock } : {}),
  });
  const contract = new ResponseContract(routes);
  const served = await serve(contract.wrap(app));
  const signingKey = (await import('node:crypto')).createPrivateKey(readFileSync(keys.privateKeyPath));
  return {
    url: served.url,
    fake,
    routes,
    app,
    enrolled,
    signingKey,
    config,
    events,
    projection,
    contract,
    async caughtUp() {
      const last = events.all.at(-1);
      for (let i = 0; i < 400 && last; i += 1) {
        const cp = await projection.store.checkpoint();
        if (cp && cp.blockNumber === last.blockNumber && cp.txId === last.txId) return;
        await new Promise((r) => setTimeout(r, 10));
      }
      if (last) throw new Error('the projection did not catch up');
    },
    token: (subject, over = {}) =>
      mintToken(signingKey, { issuer: ISSUER, audience: AUDIENCE, org: org.name, subject, ...over }),
    close: async () => {
      await served.close();
      await projection.stop();
      contract.assertKept();
    },
  };
}

/** A key that is not the org's (another org's IdP). */
export function foreignKey(): KeyObject {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
}

/**
 * A stand-in for the web console's build (a page and one hashed asset) in a fresh folder, for tests of
 * how the gateway serves it without depending on the console being built.
 */
export function consoleBuildFixture(): { dir: string; asset: string; script: string } {
  const dir = mkdtempSync(join(tmpdir(), 'console-build-'));
  const asset = 'index-Test1234.js';
  const script = 'document.body.dataset.loaded = "yes";';
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'assets', asset), script);
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>console</title><link rel="icon" href="data:,"><script type="module" src="/console/assets/${asset}"></script></head><body><div id="root"></div></body></html>`,
  );
  return { dir, asset, script };
}

/** Sends `body` as JSON with `token`'s bearer to the test gateway; its status and JSON answer. */
export async function callJson(
  gw: TestGateway,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${gw.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
