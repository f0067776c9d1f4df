/** Hospital staff's pages (loaded together, on demand). */
export { AnchorPage } from './anchor-page';
export { RecordPage } from './record-page';
export { RegisterPatientPage } from './register-patient-page';
export { ReviewsPage } from './reviews-page';
export { CoSignPage } from './co-sign-page';
export { DeletionAttestationPage } from './deletion-attestation-page';
export { ErasureInboxPage } from './erasure-inbox-page';
