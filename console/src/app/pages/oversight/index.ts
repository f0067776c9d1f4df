/** The oversight pages of regulator auditors and hospital admins (loaded together, on demand). */
export { AuditPage } from './audit-page';
export { DataFlowPage } from './data-flow-page';
export { ReportPage } from './report-page';
