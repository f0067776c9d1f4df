import assert from 'node:assert/strict';

import { OPS_OPERATIONS } from './ops-routes';
import { consoleBuildFixture, startTestGateway } from '../testing/harness';
import { describe, it } from '../testing/node-test';

/** Every (method, path) Express actually serves, in OpenAPI form, from the app's router. */
function servedRoutes(stack: readonly unknown[]): Set<string> {
  const out = new Set<string>();
  for (const layer of stack) {
    const route = (layer as { route?: { path: string; methods: Record<string, boolean> } }).route;
    if (!route) continue;
    for (const [m, on] of Object.entries(route.methods)) {
      if (on) out.add(`${m} ${route.path.replace(/:([A-Za-z]+)/g, '{$1}')}`);
    }
  }
  return out;
}

describe('OpenAPI document', () => {
  it('when the spec is compared with the served routes, then neither lists a route the other lacks', async () => {
    const gw = await startTestGateway({ console: consoleBuildFixture().dir });
    try {
      const res = await fetch(`${gw.url}/openapi.json`);
      assert.equal(res.status, 200);
      const spec = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
      assert.equal(spec.openapi, '3.1.0');
      const documented = new Set<string>();
      for (const [path, ops] of Object.entries(spec.paths)) {
        for (const method of Object.keys(ops)) documented.add(`${method} ${path}`);
      }
      const served = servedRoutes((gw.app as unknown as { router: { stack: unknown[] } }).router.stack);
      // Static assets of /docs are not API operations.
      served.delete('get /docs/init.js');
      assert.ok(OPS_OPERATIONS.every((o) => served.has(`${o.method} ${o.path}`)));
      assert.deepEqual(
        [...served].filter((r) => !documented.has(r)),
        [],
        'served but undocumented',
      );
      assert.deepEqual(
        [...documented].filter((r) => !served.has(r)),
        [],
        'documented but not served',
      );
      for (const r of served) {
        const [method, path] = r.split(' ') as [string, string];
        const probe = await fetch(`${gw.url}${path.replace(/\{[A-Za-z]+\}/g, 'x1')}`, {
          method: method.toUpperCase(),
        });
        assert.notEqual(probe.status, 404, `${r} is not served`);
        await probe.arrayBuffer();
      }
    } finally {
      await gw.close();
    }
  });

  it('when the design resource map is checked, then every resource of the map in docs/architecture.md is in the spec', async () => {
    const gw = await startTestGateway();
    try {
      const spec = (await (await fetch(`${gw.url}/openapi.json`)).json()) as {
        paths: Record<string, object>;
      };
      const required = [
        'get /v1/dids/{did}',
        'post /v1/patients',
        'post /v1/staff',
        'post /v1/records',
        'post /v1/records/{id}/versions',
        'get /v1/records/{id}',
        'get /v1/records/{id}/history',
        'post /v1/records/{id}/verify',
        'post /v1/records/{id}/access',
        'get /v1/records/{id}/content',
        'post /v1/consents',
        'post /v1/consents/{id}/revoke',
        'get /v1/patients/{did}/consents',
        'get /v1/patients/{did}/access-log',
        'get /v1/patients/{did}/points',
        'post /v1/multicenter-studies',
        'get /v1/studies/{id}/cohort',
        'post /v1/studies/{id}/datasets',
        'post /v1/studies/{id}/tasks',
        'post /v1/studies/{id}/contributions',
        'get /v1/studies/{id}/credit',
        'post /v1/studies/{id}/rounds/{round}/updates',
        'post /v1/studies/{id}/rounds/{round}/aggregate',
        'get /v1/studies/{id}/rounds/{round}',
        'get /v1/studies/{id}/rounds/{round}/proofs/{site}',
        'post /v1/studies/{id}/rounds/{round}/verify',
        'post /v1/studies/{id}/results',
        'get /v1/studies/{id}/results/{resultId}/lineage',
        'post /v1/records/{id}/credentials',
        'get /v1/credentials/{custodian}/{sdJwtHash}',
        'get /v1/audit',
        'get /v1/reports/compliance',
        'post /v1/break-glass/{id}/review',
        'get /v1/alerts',
        'get /healthz',
        'get /readyz',
        'get /metrics',
        'get /openapi.json',
        'get /docs',
      ];
      for (const r of required) {
        const [method, path] = r.split(' ') as [string, string];
        assert.ok(spec.paths[path] && method in spec.paths[path], `${r} missing from the spec`);
      }
    } finally {
      await gw.close();
    }
  });
});
