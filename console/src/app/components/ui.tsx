/** The console's building blocks: labelled fields, problems, busy states, ledger references. */
import { useId, type ReactNode } from 'react';

import { ApiError } from '../api';

/** What went wrong, said to a person: the gateway's code and detail, or the error's message. */
export function describeError(error: unknown): { title: string; detail: string } {
  if (error instanceof ApiError) {
    if (error.status === 0) return { title: 'No connection', detail: error.detail };
    const retry =
      error.retryAfterSeconds === undefined ? '' : ` Try again in ${String(error.retryAfterSeconds)} s.`;
    return { title: `${error.code} (${String(error.status)})`, detail: `${error.detail}.${retry}` };
  }
  return { title: 'Error', detail: error instanceof Error ? error.message : String(error) };
}

/** An error box, announced to screen readers; nothing when there is no error. */
export function Problem({ error }: { readonly error: unknown }): ReactNode {
  if (error === undefined || error === null) return null;
  const { title, detail } = describeError(error);
  return (
    <div className="problem" role="alert">
      <strong>{title}</strong>
      <p>{detail}</p>
    </div>
  );
}

/** A success note, announced politely. */
export function Done({ children }: { readonly children: ReactNode }): ReactNode {
  return (
    <div className="done" role="status">
      {children}
    </div>
  );
}

/** A labelled control: `children` gets the control's id. */
export function Field({
  label,
  hint,
  children,
}: {
  readonly label: string;
  readonly hint?: ReactNode;
  readonly children: (id: string, describedBy: string | undefined) => ReactNode;
}): ReactNode {
  const id = useId();
  const hintId = hint === undefined ? undefined : `${id}-hint`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id, hintId)}
      {hint === undefined ? null : (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
    </div>
  );
}

/** A button that says it is busy and cannot be pressed twice. */
export function ActionButton({
  busy,
  children,
  onClick,
  type = 'button',
  kind = 'primary',
  disabled = false,
}: {
  readonly busy: boolean;
  readonly children: ReactNode;
  readonly onClick?: () => void;
  readonly type?: 'button' | 'submit';
  readonly kind?: 'primary' | 'secondary' | 'danger';
  readonly disabled?: boolean;
}): ReactNode {
  return (
    <button
      type={type}
      className={`button ${kind}`}
      onClick={onClick}
      disabled={busy || disabled}
      aria-busy={busy}
    >
      {busy ? 'Working…' : children}
    </button>
  );
}

/** A transaction id (shortened, full in its accessible name) and its block. */
export function TxRef({
  txId,
  blockNumber,
}: {
  readonly txId: string;
  readonly blockNumber?: number;
}): ReactNode {
  return (
    <span className="txref">
      <code title={txId} aria-label={`transaction ${txId}`}>
        {txId.slice(0, 12)}…
      </code>
      {blockNumber === undefined ? null : <span className="block"> block {blockNumber}</span>}
    </span>
  );
}

/** An ISO time as the person's local date and time. */
export function Time({ iso }: { readonly iso: string }): ReactNode {
  const date = new Date(iso);
  return <time dateTime={iso}>{Number.isNaN(date.getTime()) ? iso : date.toLocaleString()}</time>;
}

/** A page's title and what it is for. */
export function PageHead({
  title,
  children,
}: {
  readonly title: string;
  readonly children?: ReactNode;
}): ReactNode {
  return (
    <header className="page-head">
      <h1>{title}</h1>
      {children === undefined ? null : <p className="lead">{children}</p>}
    </header>
  );
}

/** Says the page is loading (to screen readers too). */
export function Loading({ what }: { readonly what: string }): ReactNode {
  return (
    <p className="loading" role="status">
      Loading {what}…
    </p>
  );
}

/** Reads a JSON file a person picked (parsed here, in the browser). */
export async function readJsonFile(file: File): Promise<unknown> {
  const text = await file.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`${file.name} is not JSON`);
  }
}

/** Offers `text` as a file download (nothing leaves the browser). */
export function downloadText(name: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}

/** A column head; `hidden` is read by screen readers only (a column of buttons). */
export type Column = string | { readonly hidden: string };

/**
 * A table that scrolls sideways by itself when wider than the page (at phone width): a focusable,
 * labelled region so keyboard users can scroll it too, with its caption and column heads.
 */
export function DataTable({
  caption,
  hiddenCaption = false,
  columns,
  children,
}: {
  readonly caption: string;
  readonly hiddenCaption?: boolean;
  readonly columns: readonly Column[];
  readonly children: ReactNode;
}): ReactNode {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={`${caption} (scrolls sideways)`}>
      <table>
        <caption className={hiddenCaption ? 'sr-only' : undefined}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) =>
              typeof c === 'string' ? (
                <th key={c} scope="col">
                  {c}
                </th>
              ) : (
                <th key={c.hidden} scope="col">
                  <span className="sr-only">{c.hidden}</span>
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** A labelled file picker that hands the chosen file (or null when cleared) to `onFile`. */
export function FileField({
  label,
  accept,
  onFile,
}: {
  readonly label: string;
  readonly accept: string;
  readonly onFile: (file: File | null) => void;
}): ReactNode {
  return (
    <Field label={label}>
      {(id) => (
        <input
          id={id}
          type="file"
          accept={accept}
          onChange={(e) => {
            onFile(e.target.files?.[0] ?? null);
          }}
        />
      )}
    </Field>
  );
}
