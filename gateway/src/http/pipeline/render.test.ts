import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mock } from 'node:test';

import express from 'express';

import { SqliteIdempotencyStore } from '../../idempotency';
import { describe, it } from '../../testing/node-test';
import { serve } from '../../testing/serve';
import { WriteJournal } from '../../write-journal';
import { RawReply } from '../routes/route';
import { renderReplay, renderResult } from './render';

const scope = 'staff:doc1';

describe('pipeline: rendering answers', () => {
  it('when a JSON result is rendered, then it is settled in the journal before it is sent, with the last transaction id', async () => {
    const store = new SqliteIdempotencyStore(':memory:');
    const key = randomUUID();
    const app = express();
    app.post('/', (_req, res) => {
      const begun = WriteJournal.begin(store, scope, key, 'h');
      assert.equal(begun.state, 'open');
      begun.journal.endorsed({ fn: 'record:StageRecordContent', txId: 'tx-stage' });
      begun.journal.endorsed({ fn: 'record:AnchorRecord', txId: 'tx-anchor' });
      renderResult(res, { status: 201 }, { ok: true }, begun.journal, undefined);
    });
    const served = await serve(app);
    try {
      const res = await fetch(served.url, { method: 'POST' });
      assert.equal(res.status, 201);
      assert.equal(res.headers.get('x-transaction-id'), 'tx-anchor');
      assert.match(res.headers.get('content-type') ?? '', /application\/json/);
      assert.equal(await res.text(), '{"ok":true}');
      assert.deepEqual(WriteJournal.begin(store, scope, key, 'h'), {
        state: 'replay',
        status: 201,
        body: '{"ok":true}',
      });
    } finally {
      await served.close();
    }
  });

  it('when the before-respond failpoint is asked, then the process dies after the journal settled and before anything is sent', async () => {
    const store = new SqliteIdempotencyStore(':memory:');
    const key = randomUUID();
    const states: string[] = [];
    const kill = mock.method(process, 'kill', () => {
      states.push(WriteJournal.begin(store, scope, key, 'h').state);
      throw new Error('killed');
    });
    const app = express();
    let headersSent: boolean | undefined;
    app.post('/', (_req, res) => {
      const begun = WriteJournal.begin(store, scope, key, 'h');
      assert.equal(begun.state, 'open');
      try {
        renderResult(res, { status: 200 }, { ok: true }, begun.journal, 'before-respond');
      } catch {
        headersSent = res.headersSent;
        res.status(599).end();
      }
    });
    const served = await serve(app);
    try {
      assert.equal((await fetch(served.url, { method: 'POST' })).status, 599);
      assert.deepEqual(kill.mock.calls[0]?.arguments, [process.pid, 'SIGKILL']);
      assert.deepEqual(states, ['replay']);
      assert.equal(headersSent, false);
    } finally {
      kill.mock.restore();
      await served.close();
    }
  });

  it('when a raw reply is rendered, then it is sent as is with its own type; a stored answer is replayed marked as such', async () => {
    const app = express();
    app.get('/csv', (_req, res) => {
      renderResult(
        res,
        { status: 200 },
        new RawReply('text/csv', 'a,b\n1,2\n'),
        WriteJournal.unkeyed(),
        undefined,
      );
    });
    app.get('/replay/:status', (req, res) => {
      renderReplay(res, { status: Number(req.params['status']), body: '{"x":1}' });
    });
    const served = await serve(app);
    try {
      const csv = await fetch(`${served.url}/csv`);
      assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
      assert.equal(await csv.text(), 'a,b\n1,2\n');
      const ok = await fetch(`${served.url}/replay/201`);
      assert.equal(ok.status, 201);
      assert.equal(ok.headers.get('idempotent-replayed'), 'true');
      assert.match(ok.headers.get('content-type') ?? '', /application\/json/);
      const refused = await fetch(`${served.url}/replay/403`);
      assert.match(refused.headers.get('content-type') ?? '', /application\/problem\+json/);
    } finally {
      await served.close();
    }
  });
});
