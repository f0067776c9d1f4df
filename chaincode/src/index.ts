import { HealthContract } from './health-contract';
import { ConsentContract } from './consent-contract';
import { IdentityContract } from './identity-contract';

export { HealthContract } from './health-contract';
export { ConsentContract } from './consent-contract';
export { IdentityContract } from './identity-contract';

/** The contracts the chaincode server exposes; nothing else is callable. */
export const contracts = [HealthContract, IdentityContract, ConsentContract];
