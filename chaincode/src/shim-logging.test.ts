import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

// The loggers of the patched shim and contract API (patches/fabric-shim+2.5.8.patch and
// patches/fabric-contract-api+2.5.8.patch); neither module has type declarations.
interface ShimLogger {
  debug(message: string, ...meta: unknown[]): unknown;
  info(message: string, ...meta: unknown[]): unknown;
  warn(message: string, ...meta: unknown[]): unknown;
  transports: { silent?: boolean }[];
}
interface LoggerModule {
  getLogger(name: string): ShimLogger;
  setLevel(level: string): void;
}
const load = createRequire(__filename);
const modules: [string, LoggerModule][] = [
  ['fabric-shim', load('fabric-shim/lib/logger.js') as LoggerModule],
  ['fabric-contract-api', load('fabric-contract-api/lib/logger.js') as LoggerModule],
];

/** A log argument that counts how often the formatter turned it into text. */
function counted(): { meta: { toJSON(): string }; formatted: () => number } {
  let n = 0;
  return {
    meta: {
      toJSON: () => {
        n += 1;
        return 'meta';
      },
    },
    formatted: () => n,
  };
}

/** Runs `body` with the logger's transports silent, so the test writes nothing to the console. */
function quietly(logger: ShimLogger, body: () => void): void {
  const before = logger.transports.map((t) => t.silent);
  for (const t of logger.transports) t.silent = true;
  try {
    body();
  } finally {
    logger.transports.forEach((t, i) => (t.silent = before[i]));
  }
}

describe('the chaincode libraries log only what their level lets through', () => {
  for (const [name, module] of modules) {
    it(`when ${name}'s level is warning, then a debug or info message is not formatted, a warning is`, () => {
      // Created first: the shim's setLevel sets the level of the loggers that exist.
      const logger = module.getLogger(`shim-logging-${name}-${String(process.hrtime.bigint())}`);
      module.setLevel('WARNING');
      const arg = counted();
      quietly(logger, () => {
        logger.debug('a message to the peer %j', arg.meta);
        logger.info('an invocation', arg.meta);
        assert.equal(arg.formatted(), 0);
        logger.warn('a warning', arg.meta);
      });
      assert.equal(arg.formatted(), 1);
    });

    it(`when ${name}'s level is raised to debug later, then its debug messages are formatted again`, () => {
      const logger = module.getLogger(`shim-logging-late-${name}-${String(process.hrtime.bigint())}`);
      module.setLevel('WARNING');
      const arg = counted();
      quietly(logger, () => {
        logger.debug('before', arg.meta);
        module.setLevel('DEBUG');
        logger.debug('after', arg.meta);
      });
      module.setLevel('WARNING');
      assert.equal(arg.formatted(), 1);
    });
  }
});
