import {
  anchorCredentialInput,
  canonicalJson,
  ErrorCode,
  getCredentialAnchorInput,
  type CredentialAnchor,
} from '@medledger/domain';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { erased } from './access-contract';
import { requireActive, requireRole, resolveActor } from './actor';
import { fail, parseInput } from './errors';
import { Ledger } from './ledger/store';

/**
 * Anchors of selective-disclosure credentials issued from records (docs/research.md, "Selective
 * disclosure on the ledger"): the hash of a credential and the key its custodian signed it with.
 */
@Info({ title: 'CredentialContract', description: 'Anchors of SD-JWT credentials issued from records' })
export class CredentialContract extends Contract {
  constructor() {
    super('credential');
  }

  /**
   * Anchors a credential the caller's hospital issued from one of its records: the SHA-256 of the
   * issuer-signed JWT and the public key it was signed with. Caller: an active admin, attending,
   * intern or nurse of the custodian hospital (the record's custodian is the caller's org). Reads:
   * `anchor`, `erasure`. Writes: `credential` (bound by a receipt in the custodian's sealed collection;
   * the custodian and the regulator endorse), write-once. Event: `CredentialAnchored`. Errors:
   * VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, FORBIDDEN, NOT_FOUND (no such version at the caller's
   * hospital), CONTENT_UNAVAILABLE (erased), ALREADY_EXISTS.
   */
  @Transaction()
  @Returns('string')
  public async AnchorCredential(ctx: Context, input: string): Promise<string> {
    const args = parseInput(anchorCredentialInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireRole(actor, ['admin', 'attending', 'intern', 'nurse'], ['hospital']);
    const custodian = actor.mspId;
    const anchor = await ledger.getAnchor(custodian, args.recordId, args.version);
    if (!anchor) return fail(ErrorCode.NOT_FOUND, args.recordId);
    if (await erased(ledger, anchor)) fail(ErrorCode.CONTENT_UNAVAILABLE, args.recordId);
    const credential: CredentialAnchor = {
      custodian,
      recordId: args.recordId,
      version: args.version,
      sdJwtHash: args.sdJwtHash,
      issuerJwk: args.issuerJwk,
      anchoredBy: actor.did,
      anchoredAt: ledger.txTime,
      txId: ledger.txId,
    };
    await ledger.putCredentialAnchor(credential);
    ledger.emit('CredentialAnchored', {
      custodian,
      recordId: credential.recordId,
      version: credential.version,
      sdJwtHash: credential.sdJwtHash,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(credential);
  }

  /**
   * A credential's anchor, by custodian and hash: what a verifier checks a presentation against.
   * Caller: any active member. Reads: `credential`. Errors: VALIDATION_FAILED, NOT_REGISTERED,
   * INACTIVE, NOT_FOUND, STATE_INVALID (a value without its receipt).
   */
  @Transaction(false)
  @Returns('string')
  public async GetCredentialAnchor(ctx: Context, input: string): Promise<string> {
    const args = parseInput(getCredentialAnchorInput, input);
    const ledger = new Ledger(ctx);
    requireActive(await resolveActor(ctx, ledger));
    const credential = await ledger.getCredentialAnchor(args.custodian, args.sdJwtHash);
    if (!credential) return fail(ErrorCode.NOT_FOUND, args.sdJwtHash);
    return canonicalJson(credential);
  }
}
