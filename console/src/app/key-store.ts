/**
 * The patient's signing key, kept in this browser's IndexedDB: the non-extractable CryptoKey itself
 * (IndexedDB stores it by structured clone, so its private half is never readable by any script),
 * the key id in the DID document, the public key and the recovery key's thumbprint. Nothing else of
 * the patient is stored by the console.
 */
import type { CryptoKey, PatientKey, PublicJwk } from '../lib/patient-signer';

const DB = 'medledger-console';
const STORE = 'patient-keys';

/** What is kept for one patient DID. */
export interface StoredKey extends PatientKey {
  /** Thumbprint of the recovery key saved offline (the registration proof names it). */
  readonly recoveryKeyThumbprint: string | null;
  readonly createdAt: string;
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(STORE, { keyPath: 'patientDid' });
    };
    request.onsuccess = () => {
      resolve(request.result);
    };
    request.onerror = () => {
      reject(request.error ?? new Error('IndexedDB is not available'));
    };
  });
}

async function run<T>(mode: IDBTransactionMode, action: (store: IDBObjectStore) => IDBRequest): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = action(tx.objectStore(STORE));
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
