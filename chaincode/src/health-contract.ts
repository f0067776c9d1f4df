import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Context, Contract, Info, Transaction } from 'fabric-contract-api';
import { GATE_VALIDATOR } from './quality-gate';

/** Build information of the running chaincode: what an operator checks after a deploy. */
export interface BuildInfo {
  name: string;
  version: string;
  /**
   * SHA-256 over the compiled chaincode and shared-model files, so two orgs can confirm they run the
   * same code.
   */
  codeHash: string;
  /**
   * The FHIR validator of the quality gate: its libraries with their versions and the FHIR version
   * of the definitions. Two orgs with different validators may reach different verdicts.
   */
  fhirValidator: string;
}

/** The compiled JavaScript the server runs under `dir` (tests and test support left out). */
function listCode(dir: string, prefix: string): { name: string; bytes: Buffer }[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return name === 'testing' ? [] : listCode(full, `${prefix}${name}/`);
    return name.endsWith('.js') && !name.endsWith('.test.js')
      ? [{ name: `${prefix}${name}`, bytes: readFileSync(full) }]
      : [];
  });
}

/**
 * Name, version and code hash of this chaincode (the contracts, the shared model and the FHIR package
 * they validate with), and the FHIR validator.
 */
function readBuildInfo(): BuildInfo {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  const domainDist = dirname(require.resolve('@medledger/domain'));
  const fhirDist = dirname(require.resolve('@medledger/fhir'));
  const files = [
    ...listCode(__dirname, 'chaincode/'),
    ...listCode(domainDist, 'domain/'),
    ...listCode(fhirDist, 'fhir/'),
  ];
  return {
    name: pkg.name,
    version: pkg.version,
    codeHash: hashFiles(files),
    fhirValidator: `${GATE_VALIDATOR.library} (FHIR ${GATE_VALIDATOR.fhirVersion})`,
  };
}

/**
 * Liveness and identity of the deployed chaincode. `Ping` is also the "empty transaction" baseline of
 * the benchmarks: it writes one key and nothing else.
 */
@Info({ title: 'HealthContract', description: 'Liveness and build information' })
export class HealthContract extends Contract {
  // Read once when the server loads the contract: the code cannot change under a running process,
  // and readiness probes call GetBuildInfo often. A constant of the process, not mutable state.
  readonly #buildInfo = JSON.stringify(readBuildInfo());

  constructor() {
    super('health');
  }

  /**
   * Writes one key named after the transaction id. Any enrolled member may call it.
   * Writes: `ping~<txId>`. Events: none. Errors: none.
   */
  @Transaction()
  public async Ping(ctx: Context): Promise<string> {
    const txId = ctx.stub.getTxID();
    await ctx.stub.putState(ctx.stub.createCompositeKey('ping', [txId]), Buffer.from('{}'));
    return txId;
  }

  /**
   * Whether the `Ping` of transaction `txId` is in the world state of the peer asked. Any member may
   * call it. Reads: `ping~<txId>`.
   */
  @Transaction(false)
  public async GetPing(ctx: Context, txId: string): Promise<boolean> {
    const value = await ctx.stub.getState(ctx.stub.createCompositeKey('ping', [txId]));
    return value.length > 0;
  }

  /** Returns the chaincode name, version and code hash. Any member may call it. Reads nothing. */
  @Transaction(false)
  public GetBuildInfo(): Promise<string> {
    return Promise.resolve(this.#buildInfo);
  }
}

/** SHA-256 over named files, independent of the order they are given in. */
export function hashFiles(files: readonly { name: string; bytes: Buffer }[]): string {
  const hash = createHash('sha256');
  // Byte-order sort: localeCompare would depend on each server's locale, and two orgs must agree.
  for (const file of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    hash.update(file.name).update('\0').update(file.bytes).update('\0');
  }
  return hash.digest('hex');
}
