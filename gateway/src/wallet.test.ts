import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from './testing/node-test';

import { FileWallet } from './wallet';

describe('FileWallet', () => {
  const identity = (id: string) => ({
    enrollmentId: id,
    mspId: 'Hospital1MSP',
    certificate: '-----BEGIN CERTIFICATE-----\nCANARY-CERT\n-----END CERTIFICATE-----\n',
    privateKey: '-----BEGIN PRIVATE KEY-----\nCANARY-KEY\n-----END PRIVATE KEY-----\n',
  });

  it('when an identity is stored, then it reads back and the file holds no plaintext key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wallet-'));
    const wallet = new FileWallet(dir, randomBytes(32));
    const id = `u${randomUUID().slice(0, 8)}`;
    await wallet.put(identity(id));
    assert.deepEqual(await wallet.get(id), identity(id));
    const text = readFileSync(join(dir, `${id}.id`), 'utf8');
    assert.ok(!text.includes('CANARY'));
    assert.deepEqual(readdirSync(dir), [`${id}.id`]);
    assert.deepEqual(await wallet.list(), [id]);
  });

  it('when the key is wrong or a file is renamed to another id, then reading fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wallet-'));
    const key = randomBytes(32);
    await new FileWallet(dir, key).put(identity('alice1'));
    await assert.rejects(new FileWallet(dir, randomBytes(32)).get('alice1'));
    renameSync(join(dir, 'alice1.id'), join(dir, 'bob1.id'));
    await assert.rejects(new FileWallet(dir, key).get('bob1'));
  });

  it('when an id is missing or has path characters, then get is undefined or throws', async () => {
    const wallet = new FileWallet(mkdtempSync(join(tmpdir(), 'wallet-')), randomBytes(32));
    assert.equal(await wallet.get('nobody'), undefined);
    await assert.rejects(wallet.get('../etc/passwd'));
    await assert.rejects(wallet.get('a\u0000b'));
  });
});
