/**
 * A client of the org's Fabric CA REST API (over TLS): register a person (as the registrar) and enroll
 * them with a fresh ECDSA P-256 key and a PKCS#10 CSR. Enrollment ids are opaque (never names).
 */
import { randomBytes, webcrypto } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest, type IncomingMessage } from 'node:http';

// @peculiar/x509 2 resolves its ASN.1 types through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

import { AppError, GatewayErrorCode } from '../errors';
import { newOpenSslSigner } from './signer';

/** An enrolled identity: certificate and private key, both PEM. */
export interface Enrollment {
  readonly certificate: string;
  readonly privateKey: string;
}

/** Options of a CA client. */
export interface CaClientOptions {
  /** Base URL, e.g. `https://127.0.0.1:7054`. */
  readonly url: string;
  readonly caName: string;
  /** PEM of the CA server's TLS root (https only). */
  readonly tlsRoot?: string | Buffer;
  /** Client certificate and key for CAs that require TLS client authentication (ours do). */
  readonly tlsClient?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** Request deadline, ms. */
  readonly timeoutMs?: number;
}

interface CaResponse<T> {
  success: boolean;
  result: T;
  errors?: { code: number; message: string }[];
}

const CA_ALREADY_REGISTERED = 74;

/** The Fabric CA REST client. */
export class FabricCaClient {
  readonly #options: CaClientOptions;

  constructor(options: CaClientOptions) {
    this.#options = options;
  }

  async #call<T>(method: 'POST' | 'GET', path: string, body: object, auth: string): Promise<T> {
    const url = new URL(path, this.#options.url);
    const payload = Buffer.from(JSON.stringify(body));
    const isHttps = url.protocol === 'https:';
    const requestFn = isHttps ? httpsRequest : httpRequest;
    const response = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = requestFn(
        url,
        {
          method,
          headers: {
            'content-type': 'application/json',
            'content-length': payload.length,
            authorization: auth,
          },
          ...(isHttps && this.#options.tlsRoot ? { ca: this.#options.tlsRoot } : {}),
          ...(isHttps && this.#options.tlsClient ? this.#options.tlsClient : {}),
          timeout: this.#options.timeoutMs ?? 10_000,
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('CA request timed out')));
      req.on('error', reject);
      req.end(payload);
    }).catch((err: unknown) => {
      throw new AppError(GatewayErrorCode.CA_UNAVAILABLE, 'the certificate authority is unavailable', {
        cause: err,
        retryAfterSeconds: 2,
      });
    });
    let parsed: CaResponse<T>;
    try {
      parsed = JSON.parse(response.text) as CaResponse<T>;
    } catch {
      throw new AppError(GatewayErrorCode.CA_REJECTED, `unexpected CA response (${response.status})`);
    }
    if (!parsed.success) {
      const first = parsed.errors?.[0];
      if (first?.code === CA_ALREADY_REGISTERED) {
        throw new AppError('ALREADY_EXISTS', 'the enrollment id is already registered with the CA');
      }
      throw new AppError(
        GatewayErrorCode.CA_REJECTED,
        `the CA refused the request (code ${first?.code ?? 0})`,
      );
    }
    return parsed.result;
  }

  /**
   * Registers an identity as `registrar`; returns the enrollment secret (generated here when not given).
   */
  async register(
    registrar: Enrollment,
    enrollmentId: string,
    options: Readonly<{ secret?: string; affiliation?: string; type?: string; maxEnrollments?: number }> = {},
  ): Promise<string> {
    const secret = options.secret ?? randomBytes(18).toString('base64url');
    const body = {
      id: enrollmentId,
      type: options.type ?? 'client',
      affiliation: options.affiliation ?? '',
      max_enrollments: options.maxEnrollments ?? 1,
      secret,
      attrs: [],
      caname: this.#options.caName,
    };
    const path = '/api/v1/register';
    const auth = await authToken(registrar, 'POST', path, body);
    const result = await this.#call<{ secret: string }>('POST', path, body, auth);
    return result.secret;
  }

  /** Enrolls an identity with a fresh P-256 key; returns certificate and PKCS#8 private key. */
  async enroll(enrollmentId: string, secret: string): Promise<Enrollment> {
    const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ]);
    const csr = await x509.Pkcs10CertificateRequestGenerator.create(
      {
        name: `CN=${enrollmentId}`,
        keys,
        signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      },
      webcrypto,
    );
    const body = { certificate_request: csr.toString('pem'), caname: this.#options.caName };
    const auth = `Basic ${Buffer.from(`${enrollmentId}:${secret}`).toString('base64')}`;
    const result = await this.#call<{ Cert: string }>('POST', '/api/v1/enroll', body, auth);
    const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
    const privateKey =
      `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`.replace(
        /\n\n/g,
        '\n',
      );
    return { certificate: Buffer.from(result.Cert, 'base64').toString('utf8'), privateKey };
  }
}

/**
 * The Fabric CA token of an identity for one request:
 * `base64(cert) "." base64(sign(method "." base64(uri) "." base64(body) "." base64(cert)))`.
 */
export async function authToken(
  identity: Enrollment,
  method: string,
  uri: string,
  body: object,
): Promise<string> {
  const cert = Buffer.from(identity.certificate).toString('base64');
  const message = `${method}.${Buffer.from(uri).toString('base64')}.${Buffer.from(JSON.stringify(body)).toString('base64')}.${cert}`;
  const signature = await newOpenSslSigner(identity.privateKey)(Buffer.from(message));
  return `${cert}.${Buffer.from(signature).toString('base64')}`;
}
