/**
 * The local network's stand-in for an org's OIDC provider: an ES256 key pair per org and its JWKS.
 * `ensureOrgSigningKey(dir)` creates `signing-key.pem` (PKCS#8) and `jwks.json` when missing.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Paths of an org's dev signing material. */
export interface OrgSigningKey {
  readonly privateKeyPath: string;
  readonly jwksPath: string;
  readonly kid: string;
}

function writeAtomic(path: string, data: string, mode: number): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode });
  renameSync(tmp, path);
}

/** The RFC 7638 thumbprint of a P-256 public key, used as `kid`. */
export function jwkThumbprint(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

/** A JWKS document holding one public key. */
export function jwksOf(publicKey: KeyObject): { keys: Record<string, unknown>[] } {
  const jwk = publicKey.export({ format: 'jwk' });
  return { keys: [{ ...jwk, kid: jwkThumbprint(publicKey), alg: 'ES256', use: 'sig' }] };
}

/**
 * Creates an ES256 key pair and its JWKS in `dir` unless `signing-key.pem` exists already; rewrites
 * `jwks.json` from the key when it is missing. Returns the paths and the key id.
 */
export function ensureOrgSigningKey(dir: string): OrgSigningKey {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const privateKeyPath = join(dir, 'signing-key.pem');
  const jwksPath = join(dir, 'jwks.json');
  let privateKey: KeyObject;
  if (existsSync(privateKeyPath)) {
    privateKey = createPrivateKey(readFileSync(privateKeyPath));
  } else {
    privateKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    writeAtomic(privateKeyPath, privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), 0o600);
  }
  const publicKey = createPublicKey(privateKey);
  if (!existsSync(jwksPath)) writeAtomic(jwksPath, `${JSON.stringify(jwksOf(publicKey), null, 2)}\n`, 0o644);
  return { privateKeyPath, jwksPath, kid: jwkThumbprint(publicKey) };
}
