import { AccessContract } from './access-contract';
import { AuditContract } from './audit-contract';
import { BenchContract } from './bench-contract';
import { ConsentContract } from './consent-contract';
import { ConsortiumContract } from './consortium-contract';
import { ErasureContract } from './erasure-contract';
import { FreezeContract } from './freeze-contract';
import { HealthContract } from './health-contract';
import { IncidentContract } from './incident-contract';
import { IdentityContract } from './identity-contract';
import { InsuranceContract } from './insurance-contract';
import { ListingContract } from './listing-contract';
import { RecordContract } from './record-contract';
import { StudyContract } from './study-contract';
import { CredentialContract } from './credential-contract';
import { StudyResultsContract } from './study-results-contract';
import { StudyRoundsContract } from './study-rounds-contract';
import { StudyWorkContract } from './study-work-contract';
import { TraceContract } from './trace-contract';
import { SummaryContract } from './summary-contract';

export { AccessContract } from './access-contract';
export { AuditContract } from './audit-contract';
export { BenchContract } from './bench-contract';
export { ConsentContract } from './consent-contract';
export { ConsortiumContract } from './consortium-contract';
export { ErasureContract } from './erasure-contract';
export { FreezeContract } from './freeze-contract';
export { HealthContract } from './health-contract';
export { IncidentContract } from './incident-contract';
export { IdentityContract } from './identity-contract';
export { InsuranceContract } from './insurance-contract';
export { ListingContract } from './listing-contract';
export { RecordContract } from './record-contract';
export { StudyContract } from './study-contract';
export { CredentialContract } from './credential-contract';
export { StudyResultsContract } from './study-results-contract';
export { StudyRoundsContract } from './study-rounds-contract';
export { StudyWorkContract } from './study-work-contract';
export { TraceContract } from './trace-contract';
export { SummaryContract } from './summary-contract';

/** The contracts the chaincode server exposes; nothing else is callable. */
export const contracts = [
  HealthContract,
  ConsortiumContract,
  IdentityContract,
  ConsentContract,
  RecordContract,
  AccessContract,
  ListingContract,
  SummaryContract,
  ErasureContract,
  StudyContract,
  StudyWorkContract,
  InsuranceContract,
  TraceContract,
  FreezeContract,
  IncidentContract,
  StudyRoundsContract,
  StudyResultsContract,
  CredentialContract,
  AuditContract,
  BenchContract,
];
