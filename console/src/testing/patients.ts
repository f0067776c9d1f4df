import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';

import { generatePatientKey, signPatientRegistration } from '@medledger/domain';

import type { ResultsFolder } from './drivers';

/**
 * Registers `did` at the gateway at `gatewayUrl` (of `mspId`, as the staff member of `staffToken`) with
 * a key made outside the browser, as the command-line tool makes one; returns its private key file,
 * for the patient to import into the browser.
 */
export async function registeredKeyFile(
  gatewayUrl: string,
  mspId: string,
  staffToken: string,
  did: string,
  results: ResultsFolder,
): Promise<string> {
  const cliKey = generatePatientKey();
  const recovery = generatePatientKey();
  const request = signPatientRegistration(did, cliKey, recovery.publicJwk, mspId, { nowMs: Date.now() });
  const answer = await fetch(`${gatewayUrl}/v1/patients`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${staffToken}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(request),
  });
  assert.ok(answer.ok, await answer.text());
  const keyFile = results.download(`key-${randomBytes(5).toString('hex')}.json`);
  writeFileSync(keyFile, JSON.stringify(cliKey.privateJwk));
  return keyFile;
}

/**
 * A doctor's emergency listing of `did`'s records at the gateway at `gatewayUrl` (the doctor's token
 * in `doctorToken`), as the doctor's EMR asks for one: the console has no page for it. Fails unless
 * it is granted; returns the listing (its id, by which it is reviewed, and the records it shows).
 */
export async function emergencyListing(
  gatewayUrl: string,
  doctorToken: string,
  did: string,
): Promise<{ listingId: string; records: { recordId: string }[] }> {
  const listed = await fetch(
    `${gatewayUrl}/v1/patients/${encodeURIComponent(did)}/records?purpose=emergency&breakGlassReason=unconscious_patient`,
    { headers: { authorization: `Bearer ${doctorToken}` } },
  );
  assert.equal(listed.status, 200, await listed.clone().text());
  return (await listed.json()) as { listingId: string; records: { recordId: string }[] };
}
