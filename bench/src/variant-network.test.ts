import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { variantNetwork } from './variant-network';

void describe('a network per variant', () => {
  void it('when a variant is planned, then it lives in its own folder on its own port and its environment asks for it', () => {
    const net = variantNetwork({
      home: '/h/me',
      dir: 'orgs',
      variant: '6',
      name: '6 orgs',
      basePort: 21800,
      env: { MEDLEDGER_ORGS: '6' },
    });
    assert.deepEqual(net, {
      variant: '6',
      name: '6 orgs',
      home: '/h/me/orgs/6',
      basePort: 21800,
      env: { MEDLEDGER_HOME: '/h/me/orgs/6', MEDLEDGER_BASE_PORT: '21800', MEDLEDGER_ORGS: '6' },
    });
  });

  void it('when no name is given, then the network is named after its variant', () => {
    const net = variantNetwork({ home: '/x', dir: 'orderings', variant: 'bft', basePort: 1, env: {} });
    assert.equal(net.name, 'bft');
    assert.equal(net.home, '/x/orderings/bft');
  });
});
