/**
 * Times the read side over a loaded projection: the compliance report over everything, and
 * newest-50 pages of random synthetic patients (their access log, and the auditor's query by
 * patient). `load-synthetic` and `time` of the CLI print it.
 */
import { randomBytes } from 'node:crypto';

import type { ProjectionDatabaseConfig } from '../../config';
import { ProjectionService } from '../read/service';
import { openProjectionDatabase } from '../write/sql/open';
import { syntheticPatient } from './synthetic';

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Times the compliance report over everything and newest-50 audit pages of random patients. */
export async function timeProjection(
  database: Readonly<ProjectionDatabaseConfig>,
  dataDir: string,
  samples: number,
  patients = 50_000,
): Promise<unknown> {
  const db = openProjectionDatabase(database, { dataDir, readonly: true });
  try {
    const service = new ProjectionService(db, { cursorKey: randomBytes(32) });
    const count = await db.all<{ n: number | string }>('SELECT COUNT(*) AS n FROM audit_event');
    const span = await db.all<{ lo: string; hi: string }>(
      'SELECT MIN(tx_time) AS lo, MAX(tx_time) AS hi FROM audit_event',
    );
    const from = '2000-01-01T00:00:00Z';
    const to = '2100-01-01T00:00:00Z';
    const now = new Date(span[0]?.hi ?? Date.now());
    await service.complianceReport({ kind: 'auditor' }, from, to, now); // warm the cache
    const reportMs: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const t0 = process.hrtime.bigint();
      await service.complianceReport({ kind: 'auditor' }, from, to, now);
      reportMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const pageMs: number[] = [];
    const auditorPageMs: number[] = [];
    for (let i = 0; i < samples; i += 1) {
      const patientDid = syntheticPatient(Math.floor(Math.random() * patients));
      let t0 = process.hrtime.bigint();
      await service.accessLog({ kind: 'patient', patientDid }, patientDid, undefined, 50);
      pageMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      t0 = process.hrtime.bigint();
      await service.queryAudit({ kind: 'auditor' }, { patientDid }, undefined, 50);
      auditorPageMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    pageMs.sort((a, b) => a - b);
    auditorPageMs.sort((a, b) => a - b);
    const r = (n: number): number => Math.round(n * 100) / 100;
    return {
      database: db.dialect,
      auditEvents: Number(count[0]?.n ?? 0),
      span: span[0],
      complianceReportMs: reportMs.map(r),
      patientAccessLogPage50: { samples, p50: r(percentile(pageMs, 50)), p99: r(percentile(pageMs, 99)) },
      auditorPatientPage50: {
        samples,
        p50: r(percentile(auditorPageMs, 50)),
        p99: r(percentile(auditorPageMs, 99)),
      },
    };
  } finally {
    await db.close();
  }
}
