import {
  canonicalJson,
  dataUseReceiptSchema,
  ErrorCode,
  orgKindOf,
  recordDataUseInput,
  recordDataUseTransient,
  traceLeakInput,
  type DataUseReceipt,
  type TraceLeakResult,
} from '@medledger/domain';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { isActiveAdmin, isRegulatorAuditor, requireActive, resolveActor, type Actor } from './actor';
import { fail, parseInput } from './errors';
import { receiptBodyOf } from './leak-marks';
import { matchLeak } from './leak-match';
import { Ledger } from './ledger/store';
import { readTransient } from './transient';
import { readableCollections } from './visibility';

/**
 * The custodians whose receipts a tracer searches: a regulator's auditor every hospital's (its peer
 * holds every sealed collection), a hospital's admin its own org's exports only. Nobody else may trace:
 * a trace tells who holds copies of which records, so a hospital tracing another's exports, or any
 * researcher, would learn who holds which patient's data.
 */
async function traceableCustodians(ledger: Ledger, actor: Actor): Promise<string[]> {
  requireActive(actor);
  const consortium = await ledger.consortium();
  const regulatorAuditor = isRegulatorAuditor(actor) && actor.mspId === consortium.regulator;
  const hospitalAdmin = isActiveAdmin(actor) && actor.orgKind === 'hospital';
  if (!regulatorAuditor && !hospitalAdmin) fail(ErrorCode.FORBIDDEN, actor.did);
  const readable = await readableCollections(ledger, actor);
  return regulatorAuditor ? readable.filter((o) => orgKindOf(o) === 'hospital').sort() : [actor.mspId];
}

/** Adds receipts not yet in `into` (by access id and content hash). */
function addAll(into: Map<string, DataUseReceipt>, receipts: readonly DataUseReceipt[]): void {
  for (const r of receipts) into.set(`${r.accessId}\u0000${r.contentHash}`, r);
}

/**
 * Leak tracing (docs/leak-tracing.md): data-use receipts of delivered copies are recorded in the
 * custodian's sealed collection, and a leaked document's marks are matched against them.
 */
@Info({ title: 'TraceContract', description: 'Data-use receipts and leak tracing' })
export class TraceContract extends Contract {
  constructor() {
    super('trace');
  }

  /**
   * Records the data-use receipts a custodian's peer issued for content delivered to the caller
   * (transient `receipts`, as `ReadRecordContent` returned them), in the custodian's sealed collection:
   * what was delivered, to whom and when, ids, hashes and pseudonyms only. Each receipt must verify
   * under the custodian's collection key (so nobody forges or alters one), name the caller as its
   * recipient, and belong to the caller's access grant on that record. Endorsed by the custodian and
   * the regulator (the collection's members; both hold the key and check the MAC).
   * Caller: the recipient (the reader's gateway records right after the read). Reads: sealed `access`,
   * the collection key. Writes (sealed, custodian): `datause`, `datause~hash`, `datause~pseudonym`,
   * `datause~export`. Event: `DataUseRecorded` (ids only).
   * Errors: VALIDATION_FAILED (a receipt of another custodian), RECEIPT_INVALID (MAC, recipient or
   * grant), NOT_REGISTERED, INACTIVE, NOT_INITIALIZED.
   */
  @Transaction()
  @Returns('string')
  public async RecordDataUse(ctx: Context, input: string): Promise<string> {
    const args = parseInput(recordDataUseInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    const { receipts } = readTransient(ledger, recordDataUseTransient);
    for (const r of receipts) {
      if (r.custodian !== args.custodian) fail(ErrorCode.VALIDATION_FAILED, `${r.accessId} custodian`);
      if (r.recipientDid !== actor.did || r.recipientMsp !== actor.mspId)
        fail(ErrorCode.RECEIPT_INVALID, `${r.accessId} recipient`);
      if (!(await ledger.dataUseMacValid(receiptBodyOf(r), r.mac)))
        fail(ErrorCode.RECEIPT_INVALID, r.accessId);
      const grant = await ledger.getAccessGrant(r.custodian, r.accessId);
      if (grant?.actorDid !== actor.did || grant.recordId !== r.recordId)
        fail(ErrorCode.RECEIPT_INVALID, `${r.accessId} grant`);
    }
    for (const r of receipts) await ledger.putDataUse(r);
    const exportIds = new Set(receipts.map((r) => r.exportId));
    const result = {
      custodian: args.custodian,
      accessIds: receipts.map((r) => r.accessId),
      exportId: exportIds.size === 1 ? (receipts[0]?.exportId ?? null) : null,
    };
    ledger.emit('DataUseRecorded', {
      ...result,
      recipientMsp: actor.mspId,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(result);
  }

  /**
   * Traces a leaked document from its marks (the gateway reads them out of it; the document never
   * reaches the peer): its content and resource hashes, its rows' pseudonyms and resource hashes in
   * the leaked order, and the receipts it carries. Answers the deliveries whose exact bytes are in the
   * leak, the exports whose pseudonyms are, with the evidence (rows and distinct pseudonyms matched,
   * rows delivered, whether the leak keeps the export's order), and whether each carried receipt
   * verifies. Never committed; evaluated on the caller's own peer. Caller: a regulator's auditor (every
   * hospital's receipts) or a hospital's admin (its own org's). Reads: sealed `datause~hash`,
   * `datause~pseudonym`, `datause~export`, `datause`, the collection keys.
   * Errors: VALIDATION_FAILED, FORBIDDEN (any other caller, or another org's peer), NOT_REGISTERED,
   * INACTIVE, NOT_INITIALIZED.
   */
  @Transaction(false)
  @Returns('string')
  public async TraceLeak(ctx: Context, input: string): Promise<string> {
    const args = parseInput(traceLeakInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    const custodians = await traceableCustodians(ledger, actor);
    const found = new Map<string, DataUseReceipt>();
    const pseudonyms = [...new Set(args.rows.flatMap((r) => (r.pseudonym === null ? [] : [r.pseudonym])))];
    for (const custodian of custodians) {
      for (const hash of new Set(args.hashes)) addAll(found, await ledger.dataUseBy(custodian, 'hash', hash));
      for (const p of pseudonyms) addAll(found, await ledger.dataUseBy(custodian, 'pseudonym', p));
    }
    const exportIds = new Set([...found.values()].flatMap((r) => (r.exportId === null ? [] : [r.exportId])));
    for (const custodian of custodians)
      for (const id of exportIds) addAll(found, await ledger.dataUseBy(custodian, 'export', id));
    const match = matchLeak(args.hashes, args.rows, [...found.values()]);
    const receipts: TraceLeakResult['receipts'] = [];
    for (const raw of args.receipts) {
      const parsed = dataUseReceiptSchema.safeParse(raw);
      if (!parsed.success) {
        receipts.push({ accessId: '', custodian: '', valid: false, checked: true });
        continue;
      }
      const r = parsed.data;
      const checked = custodians.includes(r.custodian);
      const valid = checked && (await ledger.dataUseMacValid(receiptBodyOf(r), r.mac));
      receipts.push({ accessId: r.accessId, custodian: r.custodian, valid, checked });
    }
    const result: TraceLeakResult = { ...match, receipts, searched: custodians };
    return canonicalJson(result);
  }
}
