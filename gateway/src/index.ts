/** Public surface of the gateway package for the network tooling and tests. */
export { ensureOrgSigningKey, jwksOf } from './auth/signing-key';
export { mintToken, createTokenVerifier, type Principal } from './auth/tokens';
export { gatewayConfigSchema, loadConfig, parseConfig, type GatewayConfig } from './config';
export { createApp, type AppDeps } from './http/app';
export { FileWallet, readWalletKey } from './wallet';
export { FabricCaClient } from './fabric/ca-client';
export { setUpCa } from './server';
