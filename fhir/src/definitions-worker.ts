// The worker of `loadDefinitions`: cuts the definitions down, posts them, then wakes the waiting thread.
import { workerData, type MessagePort } from 'node:worker_threads';
import { extractDefinitions, type WorkerReply } from './definitions';

const { resourceTypes, done, port } = workerData as {
  resourceTypes: string[];
  done: Int32Array;
  port: MessagePort;
};

let reply: WorkerReply;
try {
  reply = { ok: true, definitions: extractDefinitions(resourceTypes) };
} catch (e) {
  reply = { ok: false, error: e instanceof Error ? e.message : 'loading the FHIR definitions failed' };
}
port.postMessage(reply);
Atomics.store(done, 0, 1);
Atomics.notify(done, 0);
