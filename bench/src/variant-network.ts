/**
 * A network of its own for one variant of a side-by-side bench run (`--ordering`, `--profiles`,
 * `--orgs`): the caller's network is left as it is, and each variant lives in
 * `<MEDLEDGER_HOME>/<dir>/<variant>` on a base port of its own, asked for its variant through the
 * environment `npm start` reads.
 */
import { join } from 'node:path';

/** Where a variant's network lives, which ports it takes and what its start needs. */
export interface VariantNetwork {
  /** The variant as the command line names it (`raft`, `sm`, `6`). */
  readonly variant: string;
  /** How the bench's log names it (`raft`, `6 orgs`). */
  readonly name: string;
  readonly home: string;
  readonly basePort: number;
  /** The environment `npm start` needs for it, on top of the caller's. */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * The network of `variant` under `home`'s folder `dir`, on `basePort`; `env` adds what asks the
 * network for the variant (`MEDLEDGER_ORDERER=bft`, `MEDLEDGER_ORGS=6`). `name` defaults to the variant.
 */
export function variantNetwork(options: {
  readonly home: string;
  readonly dir: string;
  readonly variant: string;
  readonly name?: string;
  readonly basePort: number;
  readonly env: Readonly<Record<string, string>>;
}): VariantNetwork {
  const home = join(options.home, options.dir, options.variant);
  return {
    variant: options.variant,
    name: options.name ?? options.variant,
    home,
    basePort: options.basePort,
    env: { MEDLEDGER_HOME: home, MEDLEDGER_BASE_PORT: String(options.basePort), ...options.env },
  };
}
