import { sha256Hex } from '@medledger/domain';
import type { FakeSigner } from './fake-identity';
import { daysFromNow, registerStaff, uid, type Harness } from './harness';

/** The orgs whose endorsement the study's lead gathers: the study's org and the regulator. */
export const LEAD_ENDORSERS = ['ResearchMSP', 'RegulatorMSP'];

/**
 * A study of the lead's org at the sites `decisions` names (1 of N by its protocol), each site's
 * ethics committee deciding as given, activated by the lead. Returns its id.
 */
export async function activeStudy(
  h: Harness,
  lead: FakeSigner,
  decisions: Readonly<Record<string, 'approved' | 'rejected'>>,
  prefix = 'study',
): Promise<string> {
  const studyId = uid(prefix);
  await h.submit(lead, 'study:ProposeStudy', {
    studyId,
    categories: ['diagnosis'],
    maxLevel: 3,
    periodStart: daysFromNow(h, -1),
    periodEnd: daysFromNow(h, 365),
    sites: Object.keys(decisions),
    quorum: { kind: 'atLeast', sites: 1 },
    protocolHash: sha256Hex(`protocol ${studyId}`),
  });
  for (const [site, decision] of Object.entries(decisions)) {
    const ethics = await registerStaff(h, site, 'ethics', null);
    await h.submit(ethics, 'study:DecideStudy', { studyId, decision, protocolVersion: 1 });
  }
  await h.submit(lead, 'study:ChangeStudy', { studyId, action: 'activate' }, { endorsers: LEAD_ENDORSERS });
  return studyId;
}
