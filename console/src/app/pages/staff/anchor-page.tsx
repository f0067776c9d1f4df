/**
 * Anchor a record from a FHIR JSON file: the file is parsed here, in the browser; the resource goes
 * to the hospital's private collection and its salted hash on the ledger (`POST /v1/records`, or
 * `.../versions` for the next version of a record). The answer's salt is needed to verify a copy.
 */
import { DATA_CATEGORIES, FHIR_RESOURCE_TYPES, RESOURCE_TYPES_BY_CATEGORY } from '@medledger/domain/browser';
import { useState, type SyntheticEvent, type ReactNode } from 'react';
import { Link } from 'react-router';

import type { Anchored } from '../../api-types';
import {
  ActionButton,
  Done,
  downloadText,
  Field,
  PageHead,
  Problem,
  readJsonFile,
  TxRef,
} from '../../components/ui';
import { useAction } from '../../hooks';
import { useSession } from '../../session';

/** The first category whose resource types include `resourceType`. */
function categoryFor(resourceType: string): string {
  const found = DATA_CATEGORIES.find((c) =>
    (RESOURCE_TYPES_BY_CATEGORY[c] as readonly string[]).includes(resourceType),
  );
  return found ?? 'note';
}

function newRecordId(): string {
  return `rec-${Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

interface Form {
  recordId: string;
  newVersion: boolean;
  patientDid: string;
  department: string;
  category: string;
  level: number;
}

function AnchoredNote({ result }: { readonly result: Anchored }): ReactNode {
  const { record } = result;
  return (
    <Done>
      <p>
        Anchored <code>{record.recordId}</code> version {record.version}: quality{' '}
        <strong>{record.qualityStatus}</strong>
        {record.qualityReasons.length > 0 ? ` (${record.qualityReasons.join(', ')})` : ''}. Content staged in
        transaction <TxRef txId={result.stageTxId} />, anchored in <TxRef txId={result.txId} />.
      </p>
      <p>
        Keep the salt with the content: a copy verifies against the ledger only with it.{' '}
        <button
          type="button"
          className="button secondary"
          onClick={() => {
            downloadText(
              `${record.recordId}-v${String(record.version)}-salt.json`,
              JSON.stringify({ salt: result.salt }, null, 2),
            );
          }}
        >
          Download the salt
        </button>{' '}
        <Link to="/staff/record" state={{ recordId: record.recordId }}>
          Open the record
        </Link>
      </p>
    </Done>
  );
}

export function AnchorPage(): ReactNode {
  const { api, who } = useSession();
  const [resource, setResource] = useState<Record<string, unknown> | null>(null);
  const [fileError, setFileError] = useState<unknown>(undefined);
  const [form, setForm] = useState<Form>({
    recordId: newRecordId(),
    newVersion: false,
    patientDid: '',
    department: who.kind === 'staff' ? (who.department ?? '') : '',
    category: 'diagnosis',
    level: 3,
  });
  const resourceType = typeof resource?.['resourceType'] === 'string' ? resource['resourceType'] : '';
  const action = useAction(async (attempt, body: Form & { resource: Record<string, unknown> }) => {
    const metadata = {
      patientDid: body.patientDid.trim(),
      department: body.department.trim(),
      category: body.category,
      level: body.level,
      fhirResourceType: resourceType,
      resource: body.resource,
    };
    const id = body.recordId.trim();
    return body.newVersion
      ? api.write<Anchored>(
          'POST',
          `/v1/records/${encodeURIComponent(id)}/versions`,
          metadata,
          attempt.idempotencyKey,
        )
      : api.write<Anchored>('POST', '/v1/records', { recordId: id, ...metadata }, attempt.idempotencyKey);
  });
  const pick = async (file: File | undefined) => {
    setFileError(undefined);
    setResource(null);
    if (!file) return;
    try {
      const value = await readJsonFile(file);
      if (
        typeof value !== 'object' ||
        value === null ||
        Array.isArray(value) ||
        typeof (value as { resourceType?: unknown }).resourceType !== 'string'
      ) {
        throw new Error(`${file.name} is not a FHIR resource (no resourceType)`);
      }
      const parsed = value as Record<string, unknown>;
      setResource(parsed);
      setForm((f) => ({ ...f, category: categoryFor(String(parsed['resourceType'])) }));
    } catch (err) {
      setFileError(err);
    }
  };
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    if (resource) void action.run({ ...form, resource });
  };
  const set = <K extends keyof Form>(key: K, value: Form[K]) => {
    setForm({ ...form, [key]: value });
  };
  const knownType = (FHIR_RESOURCE_TYPES as readonly string[]).includes(resourceType);
  return (
    <div className="page">
      <PageHead title="Anchor a record">
        The FHIR resource stays in this hospital's private collection; the ledger gets its metadata and salted
        hash, after the data-quality gate.
      </PageHead>
      <form className="card" onSubmit={submit} aria-labelledby="anchor-title">
        <h2 id="anchor-title">Record</h2>
        <Field
          label="FHIR resource (JSON file)"
          hint={
            resource
              ? `${resourceType}${knownType ? '' : ' (not a record type the ledger accepts)'}`
              : 'Read in this browser; nothing is sent until you anchor.'
          }
        >
          {(id, hint) => (
            <input
              id={id}
              type="file"
              accept="application/json,application/fhir+json,.json"
              aria-describedby={hint}
              onChange={(e) => void pick(e.target.files?.[0])}
            />
          )}
        </Field>
        <Problem error={fileError} />
        <div className="grid">
          <Field label="Patient DID">
            {(id) => (
              <input
                id={id}
                required
                value={form.patientDid}
                placeholder="did:medledger:patient:…"
                onChange={(e) => {
                  set('patientDid', e.target.value);
                }}
              />
            )}
          </Field>
          <Field label="Record id">
            {(id) => (
              <input
                id={id}
                required
                value={form.recordId}
                onChange={(e) => {
                  set('recordId', e.target.value);
                }}
              />
            )}
          </Field>
          <Field label="Department">
            {(id) => (
              <input
                id={id}
                required
                value={form.department}
                onChange={(e) => {
                  set('department', e.target.value);
                }}
              />
            )}
          </Field>
          <Field label="Category">
            {(id) => (
              <select
                id={id}
                value={form.category}
                onChange={(e) => {
                  set('category', e.target.value);
                }}
              >
                {DATA_CATEGORIES.map((c) => (
                  <option key={c}>{c}</option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Level" hint="3 sensitive, 4 core (genomic)">
            {(id, hint) => (
              <select
                id={id}
                aria-describedby={hint}
                value={form.level}
                onChange={(e) => {
                  set('level', Number(e.target.value));
                }}
              >
                <option value={3}>3</option>
                <option value={4}>4</option>
              </select>
            )}
          </Field>
        </div>
        <label className="check">
          <input
            type="checkbox"
            checked={form.newVersion}
            onChange={(e) => {
              set('newVersion', e.target.checked);
            }}
          />{' '}
          This is a new version of an anchored record (same record id)
        </label>
        <Problem error={action.error} />
        <ActionButton type="submit" busy={action.busy} disabled={!resource}>
          Anchor the record
        </ActionButton>
      </form>
      {action.result === undefined ? null : <AnchoredNote result={action.result} />}
    </div>
  );
}
