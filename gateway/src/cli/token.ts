/**
 * Mints a dev bearer token for the local network (standing in for the org's OIDC provider):
 *
 *   node gateway/dist/cli/token.js --org Hospital1 --user <enrollment id> [--patient] [--ttl 3600]
 *     [--config <gateway config json>] [--key <signing-key.pem>] [--issuer ...] [--audience ...]
 *
 * The key, issuer and audience come from the org's gateway config (`auth.signingKeyPath`, `auth.issuer`,
 * `auth.audience`) found with `--config` or `MEDLEDGER_GATEWAY_CONFIG`, or from the flags.
 * Prints the token alone on stdout.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { mintToken } from '../auth/tokens';
import { loadConfig } from '../config';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      org: { type: 'string' },
      user: { type: 'string' },
      patient: { type: 'boolean', default: false },
      ttl: { type: 'string', default: '3600' },
      config: { type: 'string' },
      key: { type: 'string' },
      issuer: { type: 'string' },
      audience: { type: 'string' },
    },
  });
  if (!values.org || !values.user) {
    throw new Error(
      'usage: token --org <Org> --user <enrollment id | patient DID> [--patient] [--config f] [--key f]',
    );
  }
  const configFile = values.config ?? process.env['MEDLEDGER_GATEWAY_CONFIG'];
  const config = configFile ? loadConfig({}, configFile) : undefined;
  const keyPath = values.key ?? config?.auth.signingKeyPath;
  const issuer = values.issuer ?? config?.auth.issuer;
  const audience = values.audience ?? config?.auth.audience;
  if (!keyPath || !issuer || !audience) throw new Error('a signing key, issuer and audience are required');
  const token = await mintToken(readFileSync(keyPath, 'utf8'), {
    issuer,
    audience,
    org: values.org,
    subject: values.user,
    kind: values.patient ? 'patient' : 'staff',
    ttlSeconds: Number(values.ttl),
  });
  process.stdout.write(`${token}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
