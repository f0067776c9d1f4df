import { HealthContract } from './health-contract';
import { ConsentContract } from './consent-contract';
import { IdentityContract } from './identity-contract';
import { RecordContract } from './record-contract';

export { HealthContract } from './health-contract';
export { ConsentContract } from './consent-contract';
export { IdentityContract } from './identity-contract';
export { RecordContract } from './record-contract';

/** The contracts the chaincode server exposes; nothing else is callable. */
export const contracts = [HealthContract, IdentityContract, ConsentContract, RecordContract];
