/**
 * The wallet: one Fabric identity (certificate + private key) per enrollment id, each in its own file,
 * encrypted at rest with AES-256-GCM under a key read from a key file. Writes are atomic (temp file +
 * rename). File names are derived from the enrollment id (opaque ids only, never names).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile, readdir, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** An identity as stored in the wallet. */
export interface WalletIdentity {
  readonly enrollmentId: string;
  readonly mspId: string;
  /** PEM X.509 certificate. */
  readonly certificate: string;
  /** PEM PKCS#8 private key. */
  readonly privateKey: string;
}

const enrollmentIdPattern = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const FORMAT = 'medledger-wallet-v1';

/** True when `id` is acceptable as an enrollment id (and so as a wallet file name). */
export function isValidEnrollmentId(id: string): boolean {
  return enrollmentIdPattern.test(id) && !id.includes('..');
}

/** Reads a 32-byte key from a file holding 64 hex characters or 32 raw bytes. */
export function readWalletKey(path: string): Buffer {
  const raw = readFileSync(path);
  const text = raw.toString('utf8').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (raw.length === 32) return raw;
  throw new Error('wallet key file must hold 32 bytes (64 hex characters)');
}

/** The wallet interface the rest of the gateway uses. */
export interface Wallet {
  get(enrollmentId: string): Promise<WalletIdentity | undefined>;
  put(identity: WalletIdentity): Promise<void>;
  remove(enrollmentId: string): Promise<void>;
  list(): Promise<string[]>;
}

/** An encrypted file wallet. */
export class FileWallet implements Wallet {
  readonly #dir: string;
  readonly #key: Buffer;

  constructor(dir: string, key: Buffer) {
    if (key.length !== 32) throw new Error('wallet key must be 32 bytes');
    this.#dir = dir;
    this.#key = key;
  }

  #file(enrollmentId: string): string {
    if (!isValidEnrollmentId(enrollmentId)) throw new Error('invalid enrollment id');
    return join(this.#dir, `${enrollmentId}.id`);
  }

  async get(enrollmentId: string): Promise<WalletIdentity | undefined> {
    let text: string;
    try {
      text = await readFile(this.#file(enrollmentId), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const box = JSON.parse(text) as { format: string; iv: string; tag: string; data: string };
    if (box.format !== FORMAT) throw new Error('unknown wallet file format');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(box.iv, 'base64'));
    decipher.setAAD(Buffer.from(`${FORMAT}:${enrollmentId}`));
    decipher.setAuthTag(Buffer.from(box.tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(box.data, 'base64')), decipher.final()]);
    const identity = JSON.parse(plain.toString('utf8')) as WalletIdentity;
    if (identity.enrollmentId !== enrollmentId) throw new Error('wallet file does not match its name');
    return identity;
  }

  async put(identity: WalletIdentity): Promise<void> {
    const file = this.#file(identity.enrollmentId);
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    // Binding the id as associated data stops a file being renamed into another identity.
    cipher.setAAD(Buffer.from(`${FORMAT}:${identity.enrollmentId}`));
    const data = Buffer.concat([cipher.update(JSON.stringify(identity), 'utf8'), cipher.final()]);
    const box = {
      format: FORMAT,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, JSON.stringify(box), { mode: 0o600, flag: 'wx' });
    await rename(tmp, file);
  }

  async remove(enrollmentId: string): Promise<void> {
    await rm(this.#file(enrollmentId), { force: true });
  }

  async list(): Promise<string[]> {
    try {
      const names = await readdir(this.#dir);
      return names.filter((n) => n.endsWith('.id')).map((n) => n.slice(0, -3));
    } catch {
      return [];
    }
  }
}
