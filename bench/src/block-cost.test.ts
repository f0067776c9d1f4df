import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';

import {
  blockCostTables,
  fitBlockCost,
  groupCpu,
  groupOf,
  lastCommittedBlock,
  metricValue,
  PROCESS_GROUPS,
  type BlockCostRow,
  type GroupCpu,
} from './block-cost';

/** Every group at `ms`, with some set apart. */
function groups(ms: number, overrides: Partial<Record<keyof GroupCpu, number>> = {}): GroupCpu {
  return { ...Object.fromEntries(PROCESS_GROUPS.map((g) => [g, ms])), ...overrides } as GroupCpu;
}

describe('what a transaction costs each process, per transaction and per block', () => {
  it('when the network names its processes, then the serving org is told from every other org', () => {
    assert.equal(groupOf('peer0-hospital1', 'hospital1'), 'serving peer');
    assert.equal(groupOf('peer0-hospital12', 'hospital1'), 'each other peer');
    assert.equal(groupOf('gateway-hospital1', 'hospital1'), 'serving gateway');
    assert.equal(groupOf('gateway-regulator', 'hospital1'), 'each other gateway');
    assert.equal(groupOf('chaincode-hospital1', 'hospital1'), 'serving chaincode server');
    assert.equal(groupOf('chaincode-research', 'hospital1'), 'each other chaincode server');
    assert.equal(groupOf('orderer2', 'hospital1'), 'each orderer');
    assert.equal(groupOf('ca-hospital1', 'hospital1'), undefined);
  });

  it('when processes report their CPU per transaction, then an "each" group is the mean of its processes and the serving org its own', () => {
    const split = groupCpu(
      {
        'peer0-hospital1': 3.3,
        'peer0-hospital2': 1.5,
        'peer0-regulator': 1.7,
        orderer0: 1,
        orderer1: 2,
        'gateway-hospital1': 2.8,
        'gateway-research': 0.2,
        'chaincode-hospital1': 0.5,
        'ca-hospital1': 9,
      },
      'hospital1',
    );
    assert.equal(split['serving peer'], 3.3);
    assert.ok(Math.abs(split['each other peer'] - 1.6) < 1e-9);
    assert.equal(split['each orderer'], 1.5);
    assert.equal(split['serving gateway'], 2.8);
    assert.equal(split['each other gateway'], 0.2);
    assert.equal(split['serving chaincode server'], 0.5);
    // No other org's chaincode server ran: nothing, not a division by zero.
    assert.equal(split['each other chaincode server'], 0);
  });

  it('when the cost is 1 ms a transaction and 2.5 ms a block, then the fit finds both from three batch sizes', () => {
    const points = [3, 10, 30].map((txPerBlock) => ({
      blocksPerOp: 1 / txPerBlock,
      msPerOp: 1 + 2.5 / txPerBlock,
    }));
    const fit = fitBlockCost(points);
    assert.ok(fit);
    assert.ok(Math.abs(fit.perTransactionMs - 1) < 1e-9, String(fit.perTransactionMs));
    assert.ok(Math.abs(fit.perBlockMs - 2.5) < 1e-9, String(fit.perBlockMs));
  });

  it('when every run put about one transaction in a block, then the fit says it cannot separate the parts', () => {
    assert.equal(fitBlockCost([{ blocksPerOp: 1, msPerOp: 3 }]), null);
    assert.equal(
      fitBlockCost([
        { blocksPerOp: 1, msPerOp: 3 },
        { blocksPerOp: 0.9, msPerOp: 2.8 },
      ]),
      null,
    );
    assert.equal(
      fitBlockCost([
        { blocksPerOp: 0, msPerOp: 3 },
        { blocksPerOp: 0, msPerOp: 2.8 },
      ]),
      null,
    );
  });

  it('when two settings are measured, then the report shows each setting and each group fitted, and one more org as the sum of its three processes', () => {
    const rows: BlockCostRow[] = [
      {
        setting: '10ms',
        opsPerBlock: 2,
        consortiumMsPerOp: 22,
        groups: groups(0.5, { 'each other peer': 1 + 2.5 / 2, 'each other gateway': 0.1 + 0.4 / 2 }),
      },
      {
        setting: '250ms',
        opsPerBlock: 20,
        consortiumMsPerOp: 14,
        groups: groups(0.5, { 'each other peer': 1 + 2.5 / 20, 'each other gateway': 0.1 + 0.4 / 20 }),
      },
    ];
    const lines = blockCostTables(rows);
    assert.ok(lines.includes('| 10ms | 2.0 | 22.00 | 0.50 | 2.25 | 0.50 | 0.50 | 0.30 | 0.50 | 0.50 |'));
    assert.ok(lines.includes('| each other peer | 1.00 | 2.50 |'));
    assert.ok(lines.includes('| each other gateway | 0.10 | 0.40 |'));
    // The peer, the gateway and the chaincode server (0.5 a transaction, nothing a block).
    assert.ok(lines.includes('| one more org (its peer, gateway and chaincode server) | 1.60 | 2.90 |'));
    assert.ok(lines.includes('| the whole consortium | 13.11 | 17.78 |'));
    // Anchors are two commits an operation: the tables say per anchor, not per transaction.
    const anchors = blockCostTables(rows, 'anchor');
    assert.ok(
      anchors[0]?.startsWith('| BatchTimeout | anchors per block | consortium CPU per anchor (ms) |'),
    );
    assert.ok(anchors.includes('| process | per anchor (ms) | per block (ms) |'));
  });

  it('when a gateway serves its metrics, then the last committed block is read from its commit stream gauge', async () => {
    let body =
      '# HELP medledger_commit_stream_block Last block\nmedledger_commit_stream_block 841\nmedledger_block_streams_opened 1\n';
    const server = createServer((_req, res) => res.end(body));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
      assert.equal(await lastCommittedBlock(url), 841);
      // A gateway whose stream has seen no block yet says -1: no count can start from it.
      body = 'medledger_commit_stream_block -1\n';
      await assert.rejects(lastCommittedBlock(url), /reports no committed block/);
    } finally {
      server.close();
    }
    assert.equal(
      metricValue('medledger_commit_stream_block_total 3\n', 'medledger_commit_stream_block'),
      undefined,
    );
  });
});
