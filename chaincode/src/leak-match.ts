/**
 * Which deliveries and exports explain a leaked document (docs/leak-tracing.md): a pure function of the
 * leak's marks and the receipts the tracing peer found for them, so the rule is tested without a
 * ledger. Exact hashes name single deliveries; pseudonyms name exports, with the evidence counted.
 */
import type { DataUseReceipt, TraceDelivery, TraceExport } from '@medledger/domain';

/** One row of a leaked document, in the leaked order. */
export interface LeakedRow {
  readonly pseudonym: string | null;
  readonly resourceHash: string;
}

/** What {@link matchLeak} answers. */
export interface LeakMatch {
  readonly exact: TraceDelivery[];
  readonly exports: TraceExport[];
  readonly rowsWithPseudonym: number;
  readonly rowsUnexplained: number;
}

/** Where a receipt says its copy went. */
export function deliveryOf(r: DataUseReceipt): TraceDelivery {
  return {
    accessId: r.accessId,
    exportId: r.exportId,
    studyId: r.studyId,
    recipientDid: r.recipientDid,
    recipientMsp: r.recipientMsp,
    custodian: r.custodian,
    recordId: r.recordId,
    version: r.version,
    issuedAt: r.issuedAt,
  };
}

interface ExportGroup {
  readonly receipts: DataUseReceipt[];
  readonly pseudonyms: Set<string>;
  rowsMatched: number;
  readonly orderKeys: string[];
}

// An export is one export id to one recipient: the pseudonyms bind both, so an id reused by another
// recipient is another export.
const groupKey = (r: DataUseReceipt): string => `${r.exportId ?? ''}\u0000${r.recipientDid}`;

function groupsOf(receipts: readonly DataUseReceipt[]): Map<string, ExportGroup> {
  const groups = new Map<string, ExportGroup>();
  for (const r of receipts) {
    if (r.exportId === null) continue;
    const key = groupKey(r);
    let g = groups.get(key);
    if (!g) {
      g = { receipts: [], pseudonyms: new Set(), rowsMatched: 0, orderKeys: [] };
      groups.set(key, g);
    }
    if (!g.receipts.some((x) => x.accessId === r.accessId && x.contentHash === r.contentHash))
      g.receipts.push(r);
  }
  return groups;
}

/** The order key of a leaked row within an export: its own receipt's, else the lowest of its patient's rows. */
function rowOrderKey(g: ExportGroup, row: LeakedRow & { pseudonym: string }): string {
  const own = g.receipts.find((r) => r.resourceHash === row.resourceHash && r.pseudonym === row.pseudonym);
  if (own?.orderKey != null) return own.orderKey;
  const keys = g.receipts
    .filter((r) => r.pseudonym === row.pseudonym && r.orderKey !== null)
    .map((r) => r.orderKey ?? '')
    .sort();
  return keys[0] ?? '';
}

function exportOf(g: ExportGroup): TraceExport {
  const first = g.receipts[0];
  if (!first?.exportId) throw new Error('an export group has a receipt with an export id');
  const times = g.receipts.map((r) => r.issuedAt).sort();
  const ordered = g.orderKeys.every((k, i) => i === 0 || (g.orderKeys[i - 1] ?? '') <= k);
  return {
    exportId: first.exportId,
    studyId: first.studyId,
    recipientDid: first.recipientDid,
    recipientMsp: first.recipientMsp,
    custodians: [...new Set(g.receipts.map((r) => r.custodian))].sort(),
    firstIssuedAt: times[0] ?? first.issuedAt,
    lastIssuedAt: times.at(-1) ?? first.issuedAt,
    rowsMatched: g.rowsMatched,
    pseudonymsMatched: g.pseudonyms.size,
    rowsDelivered: new Set(g.receipts.map((r) => r.accessId)).size,
    inExportOrder: ordered,
  };
}

/**
 * Matches a leak against receipts. `hashes`: content and resource hashes read from the leak; `rows`:
 * its rows in the leaked order; `receipts`: every receipt found by those hashes and pseudonyms, and
 * every receipt of the exports those name. A delivery is exact when one of its hashes is in the leak;
 * an export is named when a row carries one of its pseudonyms, with how many rows and distinct
 * pseudonyms, and whether its rows keep the export's order. Exports come most rows first.
 */
export function matchLeak(
  hashes: readonly string[],
  rows: readonly LeakedRow[],
  receipts: readonly DataUseReceipt[],
): LeakMatch {
  const wanted = new Set(hashes);
  const exactSeen = new Set<string>();
  const exact: TraceDelivery[] = [];
  for (const r of receipts) {
    const id = `${r.accessId}\u0000${r.contentHash}`;
    if ((wanted.has(r.contentHash) || wanted.has(r.resourceHash)) && !exactSeen.has(id)) {
      exactSeen.add(id);
      exact.push(deliveryOf(r));
    }
  }
  const groups = groupsOf(receipts);
  const byPseudonym = new Map<string, Set<ExportGroup>>();
  for (const g of groups.values()) {
    for (const r of g.receipts) {
      if (r.pseudonym === null) continue;
      const set = byPseudonym.get(r.pseudonym) ?? new Set<ExportGroup>();
      set.add(g);
      byPseudonym.set(r.pseudonym, set);
    }
  }
  let rowsWithPseudonym = 0;
  let rowsUnexplained = 0;
  for (const row of rows) {
    if (row.pseudonym === null) continue;
    rowsWithPseudonym++;
    const matched = byPseudonym.get(row.pseudonym);
    if (!matched) {
      rowsUnexplained++;
      continue;
    }
    for (const g of matched) {
      g.rowsMatched++;
      g.pseudonyms.add(row.pseudonym);
      g.orderKeys.push(rowOrderKey(g, { ...row, pseudonym: row.pseudonym }));
    }
  }
  const exports = [...groups.values()]
    .filter((g) => g.rowsMatched > 0)
    .map(exportOf)
    .sort((a, b) => b.rowsMatched - a.rowsMatched || a.firstIssuedAt.localeCompare(b.firstIssuedAt));
  return { exact, exports, rowsWithPseudonym, rowsUnexplained };
}
