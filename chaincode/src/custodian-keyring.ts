/**
 * Where the custodian's chaincode server finds its key-encryption keys (KEKs): a keyring file outside
 * the ledger, written by the deployment for that org's chaincode server only (mode 0600), named by
 * `MEDLEDGER_KEYRING_FILE`. Only the custodian's own, never-shared work reads it: sealing staged
 * content (endorsed by the custodian alone), re-wrapping data keys, and the evaluate-only content
 * read. No other org's endorsement depends on it, which is why the chaincode may read a local file
 * and its environment here, and only here (ESLint forbids environment reads anywhere else).
 *
 * The file is read on every use, not cached: an operator adds a new KEK with `keyring rotate` and the
 * next transaction uses it, without restarting the server.
 */
import { readFileSync } from 'node:fs';
import { keyringFromJson, type Keyring } from '@medledger/crypto';
import { KEYRING_FILE_ENV } from '@medledger/domain';

/** The KEKs a peer's chaincode server holds for its org (`peerMsp`), or undefined when it holds none. */
export type KeyringSource = (peerMsp: string) => Keyring | undefined;

/** The chaincode server's keyring: its own org's, whatever org is asked (the server serves one org). */
export const serverKeyring: KeyringSource = () => {
  const file = process.env[KEYRING_FILE_ENV];
  if (file === undefined || file === '') return undefined;
  try {
    return keyringFromJson(readFileSync(file, 'utf8'));
  } catch {
    // Never echo the file: a malformed keyring reads as no keyring ([KEY_UNAVAILABLE]).
    return undefined;
  }
};
