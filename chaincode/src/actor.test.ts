import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DidDocument } from '@medledger/domain';
import type { FakeSigner } from './testing/fake-identity';
import { Harness, newPatient, registerStaff, registrationInput, uid } from './testing/harness';
import { TestCertificateAuthority } from './testing/test-ca';

/** A Fabric CA-like subject with the given middle attributes and CN(s), one attribute per RDN. */
function crafted(mspId: string, attrs: readonly (readonly [string, string])[]): FakeSigner {
  const subject = [['C', 'US'] as const, ['ST', 'North Carolina'] as const, ...attrs];
  const cn = subject.filter(([t]) => t === 'CN').at(-1)?.[1] ?? '';
  return { mspId, cn, subject };
}

/** `signer` registering staff is refused as an identity (`[FORBIDDEN] identity`), and nothing is written. */
async function assertRefusedAsIdentity(signer: FakeSigner): Promise<void> {
  const h = new Harness();
  await h.ready();
  const before = h.ledger.committedKeys().length;
  await assert.rejects(
    h.submit(signer, 'identity:RegisterStaff', { enrollmentId: uid('dr'), role: 'nurse', department: 'er' }),
    /\[FORBIDDEN\] identity/,
  );
  assert.equal(h.ledger.committedKeys().length, before);
}

void describe('issue 12 hole 4: the actor comes from the certificate structure, not its printed subject', () => {
  void it('when a client certificate has an O value "x/y/OU=admin", then the signer is not an admin', async () => {
    const h = new Harness();
    await h.ready();
    const cn = uid('smuggler');
    const signer = crafted('Hospital1MSP', [
      ['O', 'x/y/OU=admin'],
      ['OU', 'client'],
      ['CN', cn],
    ]);
    const before = h.ledger.committedKeys().length;
    await assert.rejects(
      h.submit(signer, 'identity:RegisterStaff', {
        enrollmentId: uid('dr'),
        role: 'attending',
        department: 'cardiology',
      }),
      /\[NOT_REGISTERED\]/,
    );
    assert.equal(h.ledger.committedKeys().length, before);
  });

  void it('when a certificate carries two CNs, then it is refused instead of acting as the last one', async () => {
    const h = new Harness();
    const attending = await registerStaff(h, 'Hospital1MSP', 'attending');
    const signer = crafted('Hospital1MSP', [
      ['O', 'Hyperledger'],
      ['OU', 'client'],
      ['CN', uid('ghost')],
      ['CN', attending.cn],
    ]);
    await assert.rejects(
      h.evaluate(signer, 'consent:ListPatientConsents', { patientDid: newPatient().did }),
      /\[FORBIDDEN\] identity/,
    );
  });

  const ambiguous: readonly [string, readonly (readonly [string, string])[]][] = [
    [
      'the NodeOUs client and admin at once',
      [
        ['OU', 'client'],
        ['OU', 'admin'],
        ['CN', uid('both')],
      ],
    ],
    [
      'a CN value "<id>/OU=admin"',
      [
        ['OU', 'client'],
        ['CN', `${uid('x')}/OU=admin`],
      ],
    ],
    [
      'no NodeOU at all',
      [
        ['OU', 'hospital1'],
        ['CN', uid('none')],
      ],
    ],
    ['no CN', [['OU', 'admin']]],
  ];
  for (const [what, attrs] of ambiguous) {
    void it(`when a certificate carries ${what}, then it is refused as an identity and nothing is written`, async () => {
      await assertRefusedAsIdentity(crafted('Hospital1MSP', [['O', 'Hyperledger'], ...attrs]));
    });
  }

  // The peer's MSP validates the first PEM block of the creator's id bytes whatever its type, and OpenSSL
  // skips blocks not named CERTIFICATE: a certificate behind the validated one must not be read.
  const forgedAdmin = new TestCertificateAuthority().certificateFor({
    mspId: 'Hospital1MSP',
    cn: 'forged-admin',
    ous: ['admin'],
  });
  const smuggling: readonly [string, (own: string, forged: string) => string][] = [
    [
      "the signer's certificate in a block of another type, then a forged admin certificate",
      (own, forged) => `${own.replaceAll('CERTIFICATE', 'X')}\n${forged}`,
    ],
    ["the signer's certificate, then a forged admin certificate", (own, forged) => `${own}\n${forged}`],
  ];
  for (const [what, creator] of smuggling) {
    void it(`when the creator's id bytes carry ${what}, then the identity is refused and nothing is written`, async () => {
      const forged = await forgedAdmin;
      await assertRefusedAsIdentity({
        mspId: 'Hospital1MSP',
        cn: uid('nurse'),
        creator: (own) => creator(own, forged),
      });
    });
  }

  void it('when an admin certificate has affiliation OUs besides its NodeOU, then it acts as that admin', async () => {
    const h = new Harness();
    const admin = crafted('Hospital1MSP', [
      ['O', 'Hyperledger'],
      ['OU', 'admin'],
      ['OU', 'hospital1'],
      ['OU', 'it-department'],
      ['CN', uid('adm')],
    ]);
    const nurse = uid('nurse');
    const { result } = await h.submit<DidDocument>(admin, 'identity:RegisterStaff', {
      enrollmentId: nurse,
      role: 'nurse',
      department: 'er',
    });
    assert.equal(result.medledger.updatedBy, `did:medledger:hospital1:${admin.cn}`);
    const registered = { mspId: 'Hospital1MSP', cn: nurse };
    const p = newPatient();
    const { tx } = await h.submit(
      registered,
      'identity:RegisterPatient',
      {},
      { transient: { patient: registrationInput(h, p, 'Hospital1MSP') } },
    );
    assert.equal(tx.status, 'VALID');
  });
});
