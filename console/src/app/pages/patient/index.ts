/** The patient's pages (loaded together, on demand). */
export { AccessLogPage } from './access-log-page';
export { ConsentsPage } from './consents-page';
export { EmergencyPage } from './emergency-page';
export { ErasurePage } from './erasure-page';
export { KeyPage } from './key-page';
export { SummaryPage } from './summary-page';
