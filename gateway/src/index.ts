/**
 * The gateway package's main entry (`@medledger/gateway`): the app, its configuration, the CA
 * client, and (re-exported) what `./auth` and `./wallet` name. Other entry points: `./projection`,
 * and `./testing` for tests only.
 */
export * from './auth';
export { gatewayConfigSchema, loadConfig, parseConfig, type GatewayConfig } from './config';
export { createApp, type AppDeps } from './http/app';
export { buildRoutes } from './http/route-table';
export { FAILPOINT_HEADER, FAILPOINT_STAGES, type FailpointStage } from './failpoints';
export { FileWallet, readWalletKey } from './wallet';
export { FabricCaClient } from './fabric/ca-client';
export { setUpCa } from './server';
