import { HealthContract } from './health-contract';
import { IdentityContract } from './identity-contract';

export { HealthContract } from './health-contract';
export { IdentityContract } from './identity-contract';

/** The contracts the chaincode server exposes; nothing else is callable. */
export const contracts = [HealthContract, IdentityContract];
