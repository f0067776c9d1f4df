import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { networkContext, type NetworkInfo } from '@medledger/network';
import { ensureNetwork, orgInfo, releaseNetwork } from '../support/network';

/** Every secret an org's state holds: CA identities, people's enrollment secrets, gateway keys (the SD-JWT issuer key too). */
function secretsOf(info: NetworkInfo): string[] {
  const secrets: string[] = [];
  const json = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { secret: string }).secret;
  for (const org of info.orgs) {
    const slug = org.name.toLowerCase();
    const ca = join(info.stateDir, 'cas', slug);
    for (const file of ['registrar.json', 'gateway-registrar.json']) {
      if (existsSync(join(ca, file))) secrets.push(json(join(ca, file)));
    }
    const users = join(info.stateDir, 'users', slug);
    for (const id of readdirSync(users)) {
      if (existsSync(join(users, id, 'secret')))
        secrets.push(readFileSync(join(users, id, 'secret'), 'utf8'));
    }
    const gateway = join(info.stateDir, 'gateways', slug);
    for (const file of ['wallet.key', 'cursor.key'])
      secrets.push(readFileSync(join(gateway, file), 'utf8').trim());
    // The SD-JWT issuer key (PKCS#8 PEM): its first line of key material.
    const issuerKey = join(gateway, 'credential-issuer.pem');
    if (existsSync(issuerKey)) secrets.push(readFileSync(issuerKey, 'utf8').split('\n')[1] ?? '');
  }
  return secrets.filter((s) => s.length >= 16);
}

/** The NUL-separated arguments of every process this user may read, by pid. */
function commandLines(): Map<number, string> {
  const lines = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      lines.set(Number(entry), readFileSync(`/proc/${entry}/cmdline`, 'latin1'));
    } catch {
      // gone meanwhile
    }
  }
  return lines;
}

/**
 * Issue 12, hostile insiders, CA secrets: no secret is on a process command line (readable by every
 * local user in `/proc/<pid>/cmdline`), and each gateway registers people with a registrar that can do
 * nothing else, shown on the real consortium with Fabric CA's own client.
 */
describe('insiders: CA secrets and the gateway registrar (issue 12 hole 9)', () => {
  let info: NetworkInfo;
  let caClient: string;
  const homes: string[] = [];
  before(async () => {
    info = await ensureNetwork();
    caClient = (await networkContext()).install.bin('fabric-ca-client');
  });
  after(async () => {
    for (const home of homes) rmSync(home, { recursive: true, force: true });
    await releaseNetwork();
  });

  it('when every process of the machine is listed, then no command line holds a CA secret, an enrollment secret or a gateway key, the CA servers included', () => {
    const secrets = secretsOf(info);
    assert.ok(secrets.length >= 4 * 6, `${String(secrets.length)} secrets`);
    const lines = commandLines();
    const caPids = info.orgs.map((org) =>
      Number(readFileSync(join(info.stateDir, 'run', `ca-${org.name.toLowerCase()}.pid`), 'utf8').trim()),
    );
    for (const pid of caPids)
      assert.match(lines.get(pid) ?? '', /fabric-ca-server\0start\0/, `ca pid ${String(pid)}`);
    for (const [pid, line] of lines) {
      for (const secret of secrets)
        assert.ok(!line.includes(secret), `a secret is in /proc/${String(pid)}/cmdline`);
    }
  });

  it("when Hospital1's gateway registrar is used directly, then it registers a client and nothing else: no admin, no attribute, no revocation, no CRL, no affiliation, no reset of the CA's bootstrap identity", () => {
    const org = orgInfo(info, 'Hospital1');
    const creds = JSON.parse(
      readFileSync(join(info.stateDir, 'gateways', 'hospital1', 'registrar.json'), 'utf8'),
    ) as {
      enrollmentId: string;
      secret: string;
    };
    const home = mkdtempSync(join(tmpdir(), 'medledger-gw-registrar-'));
    homes.push(home);
    const url = new URL(org.caUrl);
    const tls = [
      '--caname',
      org.caName,
      '--tls.certfiles',
      org.tlsCaCert,
      '--tls.client.certfile',
      org.tlsClient.cert,
      '--tls.client.keyfile',
      org.tlsClient.key,
    ];
    const run = (args: string[], env: Record<string, string> = {}) => {
      const r = spawnSync(caClient, [...args, '-H', home, ...tls], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', ...env },
      });
      return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
    };
    const enroll = run(['enroll'], {
      FABRIC_CA_CLIENT_URL: `https://${encodeURIComponent(creds.enrollmentId)}:${encodeURIComponent(creds.secret)}@${url.host}`,
    });
    assert.ok(enroll.ok, enroll.output);
    assert.notEqual(creds.enrollmentId, 'registrar', "the CA's bootstrap identity is not the gateway's");
    const at = ['-u', `https://${url.host}`];
    const id = `gw-reg-${randomBytes(4).toString('hex')}`;
    const client = run(['register', ...at, '--id.name', id, '--id.type', 'client'], {
      FABRIC_CA_CLIENT_ID_SECRET: randomBytes(12).toString('hex'),
    });
    assert.ok(client.ok, client.output);
    const refused: [string, string[]][] = [
      ['an admin', ['register', ...at, '--id.name', `${id}-a`, '--id.type', 'admin']],
      [
        'the bench-loader attribute',
        [
          'register',
          ...at,
          '--id.name',
          `${id}-b`,
          '--id.type',
          'client',
          '--id.attrs',
          'medledger.benchLoader=true:ecert',
        ],
      ],
      [
        'a registrar',
        [
          'register',
          ...at,
          '--id.name',
          `${id}-c`,
          '--id.type',
          'client',
          '--id.attrs',
          'hf.Registrar.Roles=client',
        ],
      ],
      ['a revocation', ['revoke', ...at, '-e', id]],
      ['a CRL', ['gencrl', ...at]],
      ['an affiliation', ['affiliation', 'add', `evil${id.replace(/-/g, '')}`, ...at]],
      [
        "a reset of the bootstrap identity's secret",
        ['identity', 'modify', 'registrar', '--secret', 'hijacked', ...at],
      ],
      [
        "a reset of a demo person's secret",
        ['identity', 'modify', 'hospital1-attending-1', '--secret', 'hijacked', ...at],
      ],
    ];
    for (const [what, args] of refused) {
      const r = run(args);
      assert.ok(!r.ok, `${what} was allowed`);
      assert.match(r.output, /Authorization failure|Code: 71/, what);
    }
  });
});
