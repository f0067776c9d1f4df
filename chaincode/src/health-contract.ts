import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Context, Contract, Info, Transaction } from 'fabric-contract-api';

/** Build information of the running chaincode: what an operator checks after a deploy. */
export interface BuildInfo {
  name: string;
  version: string;
  /** SHA-256 over the compiled chaincode files, so two orgs can confirm they run the same code. */
  codeHash: string;
}

/** Lists the compiled JavaScript files under `dir`, relative to it. */
function listCode(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return listCode(full, `${prefix}${name}/`);
    return name.endsWith('.js') && !name.endsWith('.test.js') ? [`${prefix}${name}`] : [];
  });
}

/** Hash of the compiled code in `dist/` (file names and bytes, in a fixed order). */
function hashBuiltCode(): string {
  return hashFiles(listCode(__dirname).map((name) => ({ name, bytes: readFileSync(join(__dirname, name)) })));
}

/**
 * Liveness and identity of the deployed chaincode. `Ping` is also the "empty transaction" baseline of
 * the benchmarks: it writes one key and nothing else.
 */
@Info({ title: 'HealthContract', description: 'Liveness and build information' })
export class HealthContract extends Contract {
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
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
      name: string;
      version: string;
    };
    const info: BuildInfo = { name: pkg.name, version: pkg.version, codeHash: hashBuiltCode() };
    return Promise.resolve(JSON.stringify(info));
  }
}

/** SHA-256 over named files, independent of the order they are given in. */
export function hashFiles(files: readonly { name: string; bytes: Buffer }[]): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort((a, b) => a.name.localeCompare(b.name))) {
    hash.update(file.name).update('\0').update(file.bytes).update('\0');
  }
  return hash.digest('hex');
}
