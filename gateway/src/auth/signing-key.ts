/**
 * The local network's stand-in for an org's OIDC provider: an ES256 key pair per org and its JWKS.
 * `ensureOrgSigningKey(dir)` creates `signing-key.pem` (PKCS#8) and `jwks.json` when missing;
 * `ensureEs256PrivateKey(path)` is the same for one key file (the SD-JWT issuer key).
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
 * The P-256 private key (PKCS#8 PEM) in `path`, written first (mode 0600, through a temporary file so
 * a crash leaves no half key) when the file does not exist. An existing file is read as it is.
 */
export function ensureEs256PrivateKey(path: string): KeyObject {
  if (existsSync(path)) return createPrivateKey(readFileSync(path));
  const privateKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  writeAtomic(path, privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), 0o600);
  return privateKey;
}

/**
 * Creates an ES256 key pair and its JWKS in `dir` unless `signing-key.pem` exists already; rewrites
 * `jwks.json` from the key when it is missing. Returns the paths and the key id.
 */
export function ensureOrgSigningKey(dir: string): OrgSigningKey {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const privateKeyPath = join(dir, 'signing-key.pem');
  const jwksPath = join(dir, 'jwks.json');
  const publicKey = createPublicKey(ensureEs256PrivateKey(privateKeyPath));
  if (!existsSync(jwksPath)) writeAtomic(jwksPath, `${JSON.stringify(jwksOf(publicKey), null, 2)}\n`, 0o644);
  return { privateKeyPath, jwksPath, kid: jwkThumbprint(publicKey) };
}
