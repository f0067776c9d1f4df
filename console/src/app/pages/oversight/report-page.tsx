/**
 * The compliance report (`GET /v1/reports/compliance`) for a range, drawn: accesses by org over time
 * (the report of each slice of the range), accesses by purpose and org, denials by reason,
 * break-glass by review state, overdue items (erasure requests and deletion attestations past their
 * deadline, by org), records held for review and erasures; every chart with its numbers in
 * a table beside it, and the same report as CSV (`Accept: text/csv`).
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

import { bucketsOf, dateInputOf, isoOfLocal } from '../../../lib/time';
import type { ComplianceReport } from '../../api-types';
import {
  ActionButton,
  DataTable,
  downloadText,
  Field,
  Loading,
  PageHead,
  Problem,
  Time,
  TxRef,
} from '../../components/ui';
import { useSession } from '../../session';

/** Okabe-Ito: told apart with the common colour-vision deficiencies, and dark enough on white. */
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];
const STATE_COLORS: Readonly<Record<string, string>> = {
  overdue: '#B00020',
  pending: '#E69F00',
  justified: '#009E73',
  unjustified: '#CC79A7',
};
const DAY_MS = 86_400_000;

type Row = Record<string, string | number>;

/** A chart with its title, and its numbers as a table for those who do not see the chart. */
function Figure({
  id,
  title,
  rows,
  columns,
  children,
}: {
  readonly id: string;
  readonly title: string;
  readonly rows: readonly Row[];
  readonly columns: readonly string[];
  readonly children: ReactNode;
}): ReactNode {
  return (
    <figure className="card chart" aria-labelledby={`${id}-title`} data-chart={id}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      {rows.length === 0 ? (
        <p>Nothing in this range.</p>
      ) : (
        <div className="chart-box">
          <ResponsiveContainer width="100%" height={260}>
            {children as React.ReactElement}
          </ResponsiveContainer>
        </div>
      )}
      <details>
        <summary>The numbers</summary>
        <DataTable caption={title} hiddenCaption columns={columns}>
          {rows.map((r, i) => (
            <tr key={i}>
              {columns.map((c) => (
                <td key={c}>{r[c] ?? 0}</td>
              ))}
            </tr>
          ))}
        </DataTable>
      </details>
    </figure>
  );
}

function stackedBars(keys: readonly string[], colors: (key: string, i: number) => string) {
  return keys.map((k, i) => (
    <Bar key={k} dataKey={k} stackId="a" fill={colors(k, i)} isAnimationActive={false} />
  ));
}

/** Granted and denied accesses of each org in each slice of the range. */
interface OverTime {
  readonly rows: Row[];
  readonly orgs: string[];
}

function useReport(from: string, to: string) {
  const { api } = useSession();
  const [report, setReport] = useState<ComplianceReport | undefined>(undefined);
  const [overTime, setOverTime] = useState<OverTime | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const load = useCallback(async () => {
    setBusy(true);
    setError(undefined);
    try {
      const range = { from: isoOfLocal(from), to: isoOfLocal(to) };
      const whole = await api.get<ComplianceReport>('/v1/reports/compliance', { query: range });
      setReport(whole);
      const slices = bucketsOf(Date.parse(whole.from), Date.parse(whole.to));
      const parts: ComplianceReport[] = [];
      // Two at a time: each slice is a report over the projection.
      for (let i = 0; i < slices.length; i += 2) {
        const pair = slices.slice(i, i + 2);
        parts.push(
          ...(await Promise.all(
            pair.map((s) =>
              api.get<ComplianceReport>('/v1/reports/compliance', { query: { from: s.from, to: s.to } }),
            ),
          )),
        );
      }
      const orgs = [...new Set(parts.flatMap((p) => p.accessesByPurposeAndOrg.map((a) => a.org)))].sort();
      const rows = slices.map((s, i) => {
        const row: Row = { slice: s.label };
        for (const org of orgs) row[org] = 0;
        for (const a of parts[i]?.accessesByPurposeAndOrg ?? [])
          row[a.org] = Number(row[a.org]) + a.granted + a.denied;
        return row;
      });
      setOverTime({ rows, orgs });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }, [api, from, to]);
  return { report, overTime, error, busy, load };
}

function Totals({ report }: { readonly report: ComplianceReport }): ReactNode {
  const open = report.breakGlassCounts.overdue + report.breakGlassCounts.pending;
  const tiles = [
    ['Accesses', report.totals.accesses],
    ['Granted', report.totals.granted],
    ['Denied', report.totals.denied],
    ['Break-glass to review', open],
    ['Records held', report.recordsHeldForReview.length],
    ['Erasures', report.erasures.length],
    ['Overdue', overdueErasures(report).length + report.deletionAttestations.overdue.length],
  ] as const;
  return (
    <ul className="tiles" aria-label="Totals">
      {tiles.map(([label, value]) => (
        <li key={label}>
          <span className="tile-value">{value}</span>
          <span className="tile-label">{label}</span>
        </li>
      ))}
    </ul>
  );
}

function Charts({
  report,
  overTime,
}: {
  readonly report: ComplianceReport;
  readonly overTime: OverTime | undefined;
}): ReactNode {
  const purposes = [...new Set(report.accessesByPurposeAndOrg.map((a) => a.purpose))].sort();
  const byOrg = [...new Set(report.accessesByPurposeAndOrg.map((a) => a.org))].sort().map((org) => {
    const row: Row = { org };
    for (const p of purposes) row[p] = 0;
    for (const a of report.accessesByPurposeAndOrg)
      if (a.org === org) row[a.purpose] = Number(row[a.purpose]) + a.granted + a.denied;
    return row;
  });
  const denials: Row[] = report.denialsByReason.map((d) => ({ reason: d.reason, denials: d.count }));
  // One row per state whose only series is that state, so each bar takes its state's colour.
  const states: Row[] = Object.entries(report.breakGlassCounts).map(([state, count]) => ({
    state,
    [state]: count,
  }));
  const stateColumns = Object.keys(STATE_COLORS);
  const color = (_k: string, i: number) => PALETTE[i % PALETTE.length] ?? '#000';
  return (
    <div className="charts">
      {overTime === undefined ? (
        <Loading what="accesses over time" />
      ) : (
        <Figure
          id="over-time"
          title="Accesses by org over time"
          rows={overTime.rows}
          columns={['slice', ...overTime.orgs]}
        >
          <BarChart data={overTime.rows}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="slice" />
            <YAxis allowDecimals={false} />
            <Tooltip />
            <Legend />
            {stackedBars(overTime.orgs, color)}
          </BarChart>
        </Figure>
      )}
      <Figure id="by-purpose" title="Accesses by org and purpose" rows={byOrg} columns={['org', ...purposes]}>
        <BarChart data={byOrg}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="org" />
          <YAxis allowDecimals={false} />
          <Tooltip />
          <Legend />
          {stackedBars(purposes, color)}
        </BarChart>
      </Figure>
      <Figure id="denials" title="Denials by reason" rows={denials} columns={['reason', 'denials']}>
        <BarChart data={denials} layout="vertical" margin={{ left: 40 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" allowDecimals={false} />
          <YAxis type="category" dataKey="reason" width={220} />
          <Tooltip />
          <Bar dataKey="denials" fill="#D55E00" isAnimationActive={false} />
        </BarChart>
      </Figure>
      <Figure
        id="break-glass"
        title="Break-glass by review state"
        rows={states}
        columns={['state', ...stateColumns]}
      >
        <BarChart data={states}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="state" />
          <YAxis allowDecimals={false} />
          <Tooltip />
          {stackedBars(stateColumns, (k) => STATE_COLORS[k] ?? '#000')}
        </BarChart>
      </Figure>
    </div>
  );
}

const HOUR_MS = 3_600_000;

/** The overdue erasure requests of a report, with how many hours past their deadline. */
function overdueErasures(report: ComplianceReport) {
  const generated = Date.parse(report.generatedAt);
  return report.erasureRequests
    .filter((r) => r.status === 'overdue')
    .map((r) => ({ ...r, overdueHours: Math.floor((generated - Date.parse(r.dueAt)) / HOUR_MS) }));
}

/**
 * Overdue items by org: patients' erasure requests a custodian left unanswered past the deadline, and
 * deletion attestations a grantee owes past a consent's keep-until date.
 */
function OverdueChart({ report }: { readonly report: ComplianceReport }): ReactNode {
  const erasures = overdueErasures(report);
  const attestations = report.deletionAttestations.overdue;
  const orgs = [
    ...new Set([...erasures.map((e) => e.custodian), ...attestations.map((a) => a.grantee)]),
  ].sort();
  const rows: Row[] = orgs.map((org) => ({
    org,
    'erasure requests': erasures.filter((e) => e.custodian === org).length,
    'deletion attestations': attestations.filter((a) => a.grantee === org).length,
  }));
  const series = ['erasure requests', 'deletion attestations'];
  return (
    <div className="two-columns">
      <Figure id="overdue" title="Overdue items by org" rows={rows} columns={['org', ...series]}>
        <BarChart data={rows}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="org" />
          <YAxis allowDecimals={false} />
          <Tooltip />
          <Legend />
          {stackedBars(series, (_k, i) => (i === 0 ? '#B00020' : '#6b4e00'))}
        </BarChart>
      </Figure>
      <section className="card" aria-labelledby="overdue-list">
        <h2 id="overdue-list">Overdue ({erasures.length + attestations.length})</h2>
        <h3>Erasure requests</h3>
        {erasures.length === 0 ? (
          <p>None.</p>
        ) : (
          <ul className="plain">
            {erasures.map((e) => (
              <li key={e.requestId}>
                <code>{e.recordId}</code> at {e.custodian}: due <Time iso={e.dueAt} />, {e.overdueHours} h
                overdue <TxRef txId={e.txId} blockNumber={e.blockNumber} />
              </li>
            ))}
          </ul>
        )}
        <h3>Deletion attestations</h3>
        {attestations.length === 0 ? (
          <p>
            None. {report.deletionAttestations.attestedInRange} attested and{' '}
            {report.deletionAttestations.dueInRange} due in this range.
          </p>
        ) : (
          <>
            <ul className="plain">
              {attestations.map((a) => (
                <li key={a.consentId}>
                  {a.grantee}, consent <TxRef txId={a.consentId} />: copies kept past{' '}
                  <Time iso={a.keepUntil} />, {a.overdueHours} h overdue
                </li>
              ))}
            </ul>
            <p className="muted">
              {report.deletionAttestations.attestedInRange} attested and{' '}
              {report.deletionAttestations.dueInRange} due in this range.
            </p>
          </>
        )}
      </section>
    </div>
  );
}

function Lists({ report }: { readonly report: ComplianceReport }): ReactNode {
  return (
    <div className="two-columns">
      <section className="card" aria-labelledby="held-list">
        <h2 id="held-list">Records held for review ({report.recordsHeldForReview.length})</h2>
        {report.recordsHeldForReview.length === 0 ? (
          <p>None.</p>
        ) : (
          <ul className="plain">
            {report.recordsHeldForReview.map((h) => (
              <li key={`${h.recordId}:${String(h.version)}`}>
                <code>{h.recordId}</code> v{h.version} at {h.custodian}, <Time iso={h.anchoredAt} />{' '}
                <TxRef txId={h.txId} blockNumber={h.blockNumber} />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="card" aria-labelledby="erasure-list">
        <h2 id="erasure-list">Erasures ({report.erasures.length})</h2>
        {report.erasures.length === 0 ? (
          <p>None in this range.</p>
        ) : (
          <ul className="plain">
            {report.erasures.map((e) => (
              <li key={e.txId}>
                <code>{e.recordId}</code> v{e.versions.join(', ')} at {e.custodian}: {e.reason},{' '}
                <Time iso={e.txTime} /> <TxRef txId={e.txId} blockNumber={e.blockNumber} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

export function ReportPage(): ReactNode {
  const { api } = useSession();
  const now = new Date();
  const [from, setFrom] = useState(dateInputOf(new Date(now.getTime() - 29 * DAY_MS)));
  const [to, setTo] = useState(dateInputOf(new Date(now.getTime() + DAY_MS)));
  const { report, overTime, error, busy, load } = useReport(from, to);
  const [csvError, setCsvError] = useState<unknown>(undefined);
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the first report loads once; later ones on demand
  }, []);
  const csv = async () => {
    setCsvError(undefined);
    try {
      const text = await api.getText('/v1/reports/compliance', 'text/csv', {
        from: isoOfLocal(from),
        to: isoOfLocal(to),
      });
      downloadText(`compliance-${from}-${to}.csv`, text, 'text/csv');
    } catch (err) {
      setCsvError(err);
    }
  };
  return (
    <div className="page">
      <PageHead title="Compliance report">
        Accesses, denials, emergency accesses and their reviews, overdue erasure requests and deletion
        attestations, records held by the quality gate and erasures, from the audit projection.
      </PageHead>
      <form
        className="card search"
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        <Field label="From">
          {(id) => (
            <input
              id={id}
              type="date"
              value={from}
              onChange={(e) => {
                setFrom(e.target.value);
              }}
            />
          )}
        </Field>
        <Field label="To (exclusive)">
          {(id) => (
            <input
              id={id}
              type="date"
              value={to}
              onChange={(e) => {
                setTo(e.target.value);
              }}
            />
          )}
        </Field>
        <ActionButton type="submit" busy={busy}>
          Show
        </ActionButton>
        <button type="button" className="button secondary" onClick={() => void csv()}>
          Download CSV
        </button>
      </form>
      <Problem error={error ?? csvError} />
      {report === undefined ? (
        busy ? (
          <Loading what="the report" />
        ) : null
      ) : (
        <>
          <p className="muted">
            From <Time iso={report.from} /> to <Time iso={report.to} />, generated{' '}
            <Time iso={report.generatedAt} />.
            {report.truncated.length > 0 ? ` Lists cut at their limit: ${report.truncated.join(', ')}.` : ''}
          </p>
          <Totals report={report} />
          <Charts report={report} overTime={overTime} />
          <OverdueChart report={report} />
          <Lists report={report} />
        </>
      )}
    </div>
  );
}
