/**
 * pino logger. Request logs carry ids (request id, tx id, route template, principal subject), never
 * bodies, query strings or headers; `redact` is a second line of defence.
 */
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'medledger-gateway' },
      redact: {
        paths: ['req.headers', 'req.body', 'body', 'authorization', 'resource', 'content', '*.resource'],
        censor: '[redacted]',
      },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}
