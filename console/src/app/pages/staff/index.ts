/** Hospital staff's pages (loaded together, on demand). */
export { AnchorPage } from './anchor-page';
export { RecordPage } from './record-page';
export { RegisterPatientPage } from './register-patient-page';
export { ReviewsPage } from './reviews-page';
