import { HealthContract } from './health-contract';

export { HealthContract } from './health-contract';

/** The contracts the chaincode server exposes; nothing else is callable. */
export const contracts = [HealthContract];
