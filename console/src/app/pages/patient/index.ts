/** The patient's pages (loaded together, on demand). */
export { AccessLogPage } from './access-log-page';
export { ConsentsPage } from './consents-page';
export { KeyPage } from './key-page';
