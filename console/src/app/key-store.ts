/**
 * The patient's signing key, kept in this browser's IndexedDB: the non-extractable CryptoKey itself
 * (IndexedDB stores it by structured clone, so its private half is never readable by any script),
 * the key id in the DID document, the public key and the recovery key's thumbprint. Beside it the
 * patient's signed grants are kept, encrypted (see `grant-store.ts`); nothing else of the patient is
 * stored by the console.
 */
import type { CryptoKey, PatientKey, PublicJwk } from '../lib/patient-signer';

const DB = 'medledger-console';
const STORE = 'patient-keys';
/** The stores of the console's database (version 2 added the grants and their keys). */
export const GRANT_KEYS = 'grant-keys';
export const GRANTS = 'grants';

/** What is kept for one patient DID. */
export interface StoredKey extends PatientKey {
  /** Thumbprint of the recovery key saved offline (the registration proof names it). */
  readonly recoveryKeyThumbprint: string | null;
  readonly createdAt: string;
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 2);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: 'patientDid' });
      if (!db.objectStoreNames.contains(GRANT_KEYS))
        db.createObjectStore(GRANT_KEYS, { keyPath: 'patientDid' });
      if (!db.objectStoreNames.contains(GRANTS)) {
        db.createObjectStore(GRANTS, { keyPath: 'id', autoIncrement: true }).createIndex(
          'patientDid',
          'patientDid',
        );
      }
    };
    request.onsuccess = () => {
      resolve(request.result);
    };
    request.onerror = () => {
      reject(request.error ?? new Error('IndexedDB is not available'));
    };
  });
}

/** Runs one request on `store` of the console's database in a transaction; resolves when it commits. */
export async function run<T>(
  mode: IDBTransactionMode,
  action: (store: IDBObjectStore) => IDBRequest,
  store = STORE,
): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(store, mode);
      const request = action(tx.objectStore(store));
      tx.oncomplete = () => {
        resolve(request.result as T);
      };
      tx.onerror = () => {
        reject(tx.error ?? new Error('IndexedDB transaction failed'));
      };
    });
  } finally {
    db.close();
  }
}

interface Row {
  patientDid: string;
  kid: string;
  privateKey: CryptoKey;
  publicJwk: PublicJwk;
  recoveryKeyThumbprint: string | null;
  createdAt: string;
}

/** The key kept for `patientDid`, or undefined. */
export async function loadKey(patientDid: string): Promise<StoredKey | undefined> {
  const row = await run<Row | undefined>('readonly', (s) => s.get(patientDid));
  return row;
}

/** Keeps (or replaces) the key of `key.patientDid`. */
export async function saveKey(key: StoredKey): Promise<void> {
  const row: Row = {
    patientDid: key.patientDid,
    kid: key.kid,
    privateKey: key.privateKey,
    publicJwk: key.publicJwk,
    recoveryKeyThumbprint: key.recoveryKeyThumbprint,
    createdAt: key.createdAt,
  };
  await run('readwrite', (s) => s.put(row));
}

/** Forgets the key of `patientDid` on this device. */
export async function deleteKey(patientDid: string): Promise<void> {
  await run('readwrite', (s) => s.delete(patientDid));
}
