import {
  canonicalJson,
  custodiansCollection,
  CUSTODIANS_COLLECTION,
  emptyInputSchema,
  ErrorCode,
  initConsortiumInput,
  installCollectionKeyTransient,
  installStudySecretTransient,
  orgKindOf,
  regulatorOf,
  sealedCollection,
  type Consortium,
} from '@medledger/domain';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { resolveActor, type Actor } from './actor';
import { fail, parseInput } from './errors';
import { Ledger } from './ledger/store';
import { readTransient } from './transient';

/** The org's bootstrap admin (NodeOU admin certificate): the deployment's identity. */
function requireNodeAdmin(actor: Actor): void {
  if (!actor.nodeAdmin || actor.role !== 'admin' || !actor.active) fail(ErrorCode.FORBIDDEN, actor.did);
}

/** The consortium of `orgs` as of this transaction; VALIDATION_FAILED unless exactly one is a regulator. */
function consortiumOf(ledger: Ledger, orgs: string[]): Consortium {
  let regulator: string;
  try {
    regulator = regulatorOf(orgs);
  } catch {
    return fail(ErrorCode.VALIDATION_FAILED, 'orgs regulator');
  }
  return { orgs, regulator, txId: ledger.txId, txTime: ledger.txTime };
}

/**
 * The consortium as the chaincode knows it, the sealed collections' keys and the custodians' study
 * pseudonym secret: all written once at deployment, before any other transaction can work.
 */
@Info({
  title: 'ConsortiumContract',
  description: 'Consortium bootstrap: peer orgs, collection keys, study pseudonym secret',
})
export class ConsortiumContract extends Contract {
  constructor() {
    super('consortium');
  }

  /**
   * Records the peer orgs of the channel and which of them is the regulator, once (the key-level
   * policy then needs every one of them to change it). The chaincode uses it to name the orgs of
   * key-level policies and the sealed collections a regulator's audit scans.
   * Caller: a NodeOU admin of one of the orgs; endorsed by every org. Writes: `consortium`.
   * Event: `ConsortiumInitialized`. Errors: VALIDATION_FAILED (no regulator, two, or the caller's org
   * missing), FORBIDDEN, ALREADY_EXISTS.
   */
  @Transaction()
  @Returns('string')
  public async InitConsortium(ctx: Context, input: string): Promise<string> {
    const args = parseInput(initConsortiumInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireNodeAdmin(actor);
    const orgs = [...new Set(args.orgs)];
    if (orgs.length !== args.orgs.length || !orgs.includes(actor.mspId))
      fail(ErrorCode.VALIDATION_FAILED, 'orgs');
    const consortium = consortiumOf(ledger, orgs);
    await ledger.putConsortium(consortium);
    ledger.emit('ConsortiumInitialized', { ...consortium });
    return canonicalJson(consortium);
  }

  /**
   * Adds the caller's org to the consortium: the last step of admitting an org, after a channel
   * configuration update signed by a majority of the member orgs' admins made its MSP a member of the
   * channel (only then can its admin's proposal reach a peer at all) and a chaincode definition approved
   * by a majority named its sealed collection. The caller must be that org's NodeOU admin, so no member
   * can enrol an org in the consortium on its own; a second regulator or an org of no known kind is
   * refused. The key-level policy of `consortium` becomes every org, the new one included.
   * Caller: a NodeOU admin of an org of the channel that is not yet a member; endorsed by every member
   * (the key's policy) and the new org. Writes: `consortium`. Event: `ConsortiumOrgJoined`.
   * Errors: VALIDATION_FAILED (no kind, a second regulator), FORBIDDEN, NOT_INITIALIZED,
   * ALREADY_EXISTS (a member already).
   */
  @Transaction()
  @Returns('string')
  public async JoinConsortium(ctx: Context, input: string): Promise<string> {
    parseInput(emptyInputSchema, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireNodeAdmin(actor);
    const current = await ledger.consortium();
    if (current.orgs.includes(actor.mspId)) fail(ErrorCode.ALREADY_EXISTS, actor.mspId);
    if (orgKindOf(actor.mspId) === 'other') fail(ErrorCode.VALIDATION_FAILED, 'org kind');
    const orgs = [...current.orgs, actor.mspId];
    const consortium = consortiumOf(ledger, orgs);
    await ledger.replaceConsortium(consortium);
    ledger.emit('ConsortiumOrgJoined', { org: actor.mspId, orgs, txId: ledger.txId, txTime: ledger.txTime });
    return canonicalJson(consortium);
  }

  /**
   * Writes the caller's org's sealed collection key (transient `collectionKey`: `{key}`, 256 random
   * bits hex chosen by the org's deployment), once. Endorsed by the org and the regulator (the
   * collection's endorsement policy). Caller: a NodeOU admin of an org of the consortium.
   * Writes (sealed, the caller's org): `collection-key`. Event: `CollectionKeyInstalled`.
   * Errors: VALIDATION_FAILED, FORBIDDEN, NOT_INITIALIZED, ALREADY_EXISTS.
   */
  @Transaction()
  @Returns('string')
  public async InstallCollectionKey(ctx: Context, input: string): Promise<string> {
    parseInput(emptyInputSchema, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireNodeAdmin(actor);
    if (!(await ledger.consortium()).orgs.includes(actor.mspId)) fail(ErrorCode.FORBIDDEN, actor.did);
    const { collectionKey } = readTransient(ledger, installCollectionKeyTransient);
    await ledger.installCollectionKey(actor.mspId, Buffer.from(collectionKey.key, 'hex'));
    ledger.emit('CollectionKeyInstalled', { org: actor.mspId, txId: ledger.txId, txTime: ledger.txTime });
    return canonicalJson({ collection: sealedCollection(actor.mspId), txId: ledger.txId });
  }

  /**
   * Writes the consortium's study pseudonym secret (transient `studySecret`: `{key}`, 256 random bits
   * hex chosen by the deployment) into the custodians' collection, once; research pseudonyms are keyed
   * by studies' keys derived from it (docs/deidentification.md, "The study key"). Endorsed by every
   * member of the collection (every hospital and the regulator), so the secret reaches no other org's
   * peer. Caller: a NodeOU admin of a member org. Writes (custodians' collection): `study-secret`.
   * Event: `StudySecretInstalled`. Errors: VALIDATION_FAILED, FORBIDDEN (not a member org's admin),
   * NOT_INITIALIZED, ALREADY_EXISTS.
   */
  @Transaction()
  @Returns('string')
  public async InstallStudySecret(ctx: Context, input: string): Promise<string> {
    parseInput(emptyInputSchema, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireNodeAdmin(actor);
    const { orgs } = await ledger.consortium();
    if (!orgs.includes(actor.mspId) || !custodiansCollection(orgs).members.includes(actor.mspId))
      fail(ErrorCode.FORBIDDEN, actor.did);
    const { studySecret } = readTransient(ledger, installStudySecretTransient);
    await ledger.installStudySecret(Buffer.from(studySecret.key, 'hex'));
    ledger.emit('StudySecretInstalled', { org: actor.mspId, txId: ledger.txId, txTime: ledger.txTime });
    return canonicalJson({ collection: CUSTODIANS_COLLECTION, txId: ledger.txId });
  }

  /** The consortium. Caller: anyone of the channel. Reads: `consortium`. Errors: NOT_INITIALIZED. */
  @Transaction(false)
  @Returns('string')
  public async GetConsortium(ctx: Context, input: string): Promise<string> {
    parseInput(emptyInputSchema, input);
    return canonicalJson(await new Ledger(ctx).consortium());
  }
}
