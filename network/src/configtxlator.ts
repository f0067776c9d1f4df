import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FabricInstall } from './binaries';
import { cacheDir, FABRIC_VERSION } from './paths';

/**
 * Where `configtxlator` is, which channel configuration updates need (the rest of the network does
 * not, so an install without it still starts): `MEDLEDGER_CONFIGTXLATOR`, else beside the other Fabric
 * binaries (Fabric's release archive carries it), else `<cache>/fabric-<version>/bin`. The error says
 * how to get one: it is built from Fabric's own source (`go build ./cmd/configtxlator`).
 */
export function configtxlatorPath(install: FabricInstall, env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [
    env.MEDLEDGER_CONFIGTXLATOR,
    join(install.binDir, 'configtxlator'),
    join(cacheDir(env), `fabric-${FABRIC_VERSION}`, 'bin', 'configtxlator'),
  ].filter((c): c is string => c !== undefined && c !== '');
  const found = candidates.find((c) => existsSync(c));
  if (found === undefined) {
    throw new Error(
      `configtxlator (Fabric ${FABRIC_VERSION}) is needed to change the channel's configuration and was not found in ${candidates.join(', ')}: take it from Fabric's release archive, or build it from Fabric's source (go build -o <dir>/configtxlator ./cmd/configtxlator) and set MEDLEDGER_CONFIGTXLATOR`,
    );
  }
  return found;
}

/** The install with `configtxlator` resolved, for `runTool(…, 'configtxlator', …)`. */
export function configtxlator(install: FabricInstall, env: NodeJS.ProcessEnv = process.env): FabricInstall {
  const path = configtxlatorPath(install, env);
  return { ...install, bin: (tool) => (tool === 'configtxlator' ? path : install.bin(tool)) };
}
