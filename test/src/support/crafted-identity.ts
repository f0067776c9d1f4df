import { createPrivateKey, webcrypto } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
// @peculiar/x509 2 resolves its ASN.1 types through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { signers, type Identity, type Signer } from '@hyperledger/fabric-gateway';
import {
  basePortFromEnv,
  defaultTopologySpec,
  resolveTopology,
  StatePaths,
  type NetworkInfo,
} from '@medledger/network';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/**
 * An identity whose certificate an insider with the org's CA key issues with any subject, one
 * attribute per RDN in order (`[['O', 'x/y/OU=admin'], ['OU', 'client'], ['CN', 'a']]`): the peer's MSP
 * accepts it as a member of the org, so what the chaincode makes of its subject is all that stands
 * between it and someone else's role.
 */
export async function orgIssuedIdentity(
  info: NetworkInfo,
  orgName: string,
  subject: readonly (readonly [string, string])[],
): Promise<{ identity: Identity; signer: Signer }> {
  const org = resolveTopology(defaultTopologySpec, basePortFromEnv()).peerOrgs.find(
    (o) => o.name === orgName,
  );
  if (org === undefined) throw new Error(`no org ${orgName}`);
  const paths = new StatePaths(info.stateDir);
  const orgDir = paths.peerOrgDir(org);
  const ca = new x509.X509Certificate(readFileSync(paths.orgCaCert(orgDir, org.domain), 'utf8'));
  const keyFile = readdirSync(join(orgDir, 'ca')).find((f) => f.endsWith('_sk'));
  if (keyFile === undefined) throw new Error(`no CA key for ${orgName}`);
  const caKey = await webcrypto.subtle.importKey(
    'pkcs8',
    createPrivateKey(readFileSync(join(orgDir, 'ca', keyFile))).export({ format: 'der', type: 'pkcs8' }),
    ALG,
    false,
    ['sign'],
  );
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.create({
    subject: subject.map(([type, value]) => ({ [type]: [value] })),
    // The CA's own encoded name, so the issuer matches its subject byte for byte.
    issuer: ca.subjectName,
    publicKey: keys.publicKey,
    signingKey: caKey,
    signingAlgorithm: ALG,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 3_600_000),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return {
    identity: { mspId: org.mspId, credentials: Buffer.from(cert.toString('pem')) },
    signer: signers.newPrivateKeySigner(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })),
  };
}
