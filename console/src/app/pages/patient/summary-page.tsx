/**
 * The health summary across hospitals (`GET /v1/patients/{did}/summary`): one FHIR document in the
 * International Patient Summary shape, asked for with a request signed by the patient's key in this
 * browser (each custodian's read is an audited access). Each entry is verified here twice: its content
 * and salt, hashed in the browser, must equal the hash it came with, and that hash must be the one of
 * the record's public anchor, read through this gateway's own peer (`GET /v1/records/{id}` with a
 * request signed for that record), not the custodian's word for it.
 */
import type { ReactNode } from 'react';

import { signRecordRead, signRecordsRequest } from '../../../lib/patient-signer';
import {
  contentHashOf,
  resourceText,
  sectionsOf,
  type SummaryEntry,
  type SummarySection,
} from '../../../lib/summary';
import { ApiError } from '../../api';
import type { RecordAnchor } from '../../api-types';
import { ActionButton, DataTable, PageHead, Problem, TxRef } from '../../components/ui';
import { useAction } from '../../hooks';
import { useSession } from '../../session';
import { NoKeyNotice } from './no-key-notice';
import { usePatientKey } from './use-patient-key';

/** An entry with the outcome of its check. */
interface CheckedEntry extends SummaryEntry {
  readonly verified: boolean;
  /** Why not, when not. */
  readonly problem: string | null;
}

/**
 * Checks an entry here: its content and salt must hash to the entry's hash, and the record's public
 * anchor (`anchorOf`) must hold that same hash for that version.
 */
async function check(
  entry: SummaryEntry,
  anchorOf: (entry: SummaryEntry) => Promise<RecordAnchor>,
): Promise<CheckedEntry> {
  const computed = await contentHashOf(entry.resource, entry.salt);
  const failed = (problem: string): CheckedEntry => ({ ...entry, verified: false, problem });
  if (computed !== entry.contentHash) return failed('the content does not hash to the hash it came with');
  let anchor: RecordAnchor;
  try {
    anchor = await anchorOf(entry);
  } catch (err) {
    const why = err instanceof ApiError ? err.message : 'no answer';
    return failed(`the public anchor could not be read: ${why}`);
  }
  return anchor.contentHash === computed && anchor.version === entry.version
    ? { ...entry, verified: true, problem: null }
    : failed('the content does not match the public anchor');
}

/** A section whose entries were checked. */
interface CheckedSection extends Omit<SummarySection, 'entries'> {
  readonly entries: CheckedEntry[];
}

function SectionTable({ section }: { readonly section: CheckedSection }): ReactNode {
  const id = `section-${section.title.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{section.title}</h2>
      {section.entries.length === 0 ? (
        <p>Nothing here that you may read (a hospital may hold entries this summary could not read).</p>
      ) : (
        <DataTable
          caption={`${section.title}: entries`}
          hiddenCaption
          columns={['Entry', 'Hospital', 'Record', 'On-chain hash', 'Verified']}
        >
          {section.entries.map((e) => (
            <tr key={`${e.custodian}/${e.recordId}`} className={e.verified ? undefined : 'flagged'}>
              <td>
                {resourceText(e.resource)}{' '}
                <span className="muted">({String(e.resource['resourceType'])})</span>
              </td>
              <td>{e.custodian}</td>
              <td>
                <code>{e.recordId}</code> <span className="muted">v{e.version}</span>
              </td>
              <td>
                <TxRef txId={e.contentHash} />
              </td>
              <td>
                {e.verified ? (
                  <span className="status granted">verified</span>
                ) : (
                  <>
                    <span className="status denied">NOT verified</span>{' '}
                    <span className="muted">({e.problem})</span>
                  </>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}

export function SummaryPage(): ReactNode {
  const { api, who, gateway } = useSession();
  const { key, error: keyError } = usePatientKey(who.did);
  const action = useAction(async () => {
    if (!key) throw new Error('this browser holds no key of yours');
    const proof = await signRecordsRequest(key, 'summary', gateway.mspId);
    const bundle = await api.get<unknown>(`/v1/patients/${encodeURIComponent(who.did)}/summary`, {
      headers: { 'Medledger-Patient-Proof': proof, accept: 'application/fhir+json' },
    });
    // The public anchor of an entry, through this gateway, with a request signed for that record only.
    const anchorOf = async (entry: SummaryEntry): Promise<RecordAnchor> =>
      api.get<RecordAnchor>(`/v1/records/${encodeURIComponent(entry.recordId)}`, {
        query: { custodian: entry.custodian, version: entry.version },
        headers: { 'Medledger-Patient-Proof': await signRecordRead(key, entry, gateway.mspId) },
      });
    return Promise.all(
      sectionsOf(bundle).map(async (s): Promise<CheckedSection> => ({
        ...s,
        entries: await Promise.all(s.entries.map((e) => check(e, anchorOf))),
      })),
    );
  });
  const sections = action.result;
  const entries = sections?.flatMap((s) => s.entries) ?? [];
  const hospitals = [...new Set(entries.map((e) => e.custodian))];
  return (
    <div className="page">
      <PageHead title="Health summary">
        Your allergies, medication, problems and results from every hospital that keeps your records, in one
        document. Each entry names its hospital and its hash on the ledger, and is checked here against the
        record's public anchor.
      </PageHead>
      <Problem error={keyError} />
      <NoKeyNotice shown={key === null} />
      <div className="card">
        <p>
          Asking signs a request with your key; every hospital that reads for it writes the read to your
          access log.
        </p>
        <ActionButton busy={action.busy} disabled={!key} onClick={() => void action.run()}>
          Show my health summary
        </ActionButton>
        <Problem error={action.error} />
        {sections === undefined ? null : (
          <p role="status" className="done">
            {entries.length} entries from {hospitals.length === 0 ? 'no hospital' : hospitals.join(', ')};{' '}
            {entries.filter((e) => e.verified).length} of {entries.length} verified against their public
            anchors on the ledger.
          </p>
        )}
      </div>
      {sections?.map((s) => (
        <SectionTable key={s.title} section={s} />
      ))}
    </div>
  );
}
