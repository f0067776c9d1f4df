import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HealthContract, hashFiles, type BuildInfo } from './health-contract';

const file = (name: string, text: string) => ({ name, bytes: Buffer.from(text) });

describe('health contract build info', () => {
  it('when two servers load the same code, then they report the same name, version and code hash', async () => {
    const a = JSON.parse(await new HealthContract().GetBuildInfo()) as BuildInfo;
    const b = JSON.parse(await new HealthContract().GetBuildInfo()) as BuildInfo;
    assert.deepEqual(a, b);
    assert.equal(a.name, '@medledger/chaincode');
    assert.match(a.codeHash, /^[0-9a-f]{64}$/);
  });

  it('when files come in another order, then the hash is the same; when a byte or a name changes, it differs', () => {
    const files = [file('chaincode/b.js', 'b'), file('domain/B.js', 'B'), file('chaincode/a.js', 'a')];
    const hash = hashFiles(files);
    assert.equal(hashFiles([...files].reverse()), hash);
    assert.notEqual(hashFiles([file('chaincode/b.js', 'c'), ...files.slice(1)]), hash);
    assert.notEqual(hashFiles([file('chaincode/x.js', 'b'), ...files.slice(1)]), hash);
  });
});
