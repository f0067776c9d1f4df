/**
 * Mints a bearer token for a gateway (standing in for the org's OIDC provider on a local network). The
 * key, issuer and audience come from the org's gateway config (`auth.signingKeyPath`, `auth.issuer`,
 * `auth.audience`) found with `--config` or `MEDLEDGER_GATEWAY_CONFIG`, or from the flags. Prints the
 * token alone on stdout. `--help` shows every option.
 */
import { readFileSync } from 'node:fs';

import { command, runCommand } from '@medledger/cli-kit';

import { mintToken } from '../auth/tokens';
import { loadConfig } from '../config';

const TOKEN_COMMAND = command({
  summary: "Mints a bearer token for a gateway, signed with the org's signing key.",
  options: {
    org: { type: 'string', value: 'ORG', required: true, description: 'the org name, e.g. Hospital1' },
    user: {
      type: 'string',
      value: 'ID',
      required: true,
      description: "a person's enrollment id, or a patient's DID with --patient",
    },
    patient: { type: 'boolean', description: 'a patient token (the subject is a patient DID)' },
    ttl: { type: 'string', value: 'SECONDS', default: '3600', description: 'lifetime of the token' },
    config: {
      type: 'string',
      value: 'FILE',
      description: "the gateway's config.json (default: $MEDLEDGER_GATEWAY_CONFIG)",
    },
    key: { type: 'string', value: 'PEM', description: "the org's signing key (default: from the config)" },
    issuer: { type: 'string', value: 'URL', description: 'the token issuer (default: from the config)' },
    audience: { type: 'string', value: 'AUD', description: 'the token audience (default: from the config)' },
  },
  details: ['On the local network `npm run -s token` is simpler: it finds the config of each org itself.'],
  examples: [
    'node gateway/dist/cli/token.js --org Hospital1 --user hospital1-attending-1 --config .medledger/gateways/hospital1/config.json',
  ],
});

if (require.main === module) {
  void runCommand('node gateway/dist/cli/token.js', TOKEN_COMMAND, process.argv.slice(2), async (values) => {
    const configFile = values.config ?? process.env['MEDLEDGER_GATEWAY_CONFIG'];
    const config = configFile ? loadConfig({}, configFile) : undefined;
    const keyPath = values.key ?? config?.auth.signingKeyPath;
    const issuer = values.issuer ?? config?.auth.issuer;
    const audience = values.audience ?? config?.auth.audience;
    if (!keyPath || !issuer || !audience) {
      throw new Error(
        'a signing key, issuer and audience are required: pass --config, or --key, --issuer and --audience',
      );
    }
    const ttlSeconds = Number(values.ttl);
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) throw new Error('--ttl takes a number of seconds');
    const token = await mintToken(readFileSync(keyPath, 'utf8'), {
      issuer,
      audience,
      org: values.org,
      subject: values.user,
      kind: values.patient ? 'patient' : 'staff',
      ttlSeconds,
    });
    process.stdout.write(`${token}\n`);
  });
}
