/**
 * Every page of the console as data: where it is, what it is called, which section of the navigation
 * it belongs to and who sees it. A new page is one entry here. Sections load on demand, so a patient's
 * browser never loads the charts and the graph.
 */
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

import type { Who } from './session';

/** The navigation's sections. */
export type Section = 'Patient' | 'Records' | 'Reviews' | 'Oversight';

/** A page of the console. */
export interface PageDef {
  /** Under `/console/`, without a leading slash; never holds an id or a DID. */
  readonly path: string;
  readonly title: string;
  readonly section: Section;
  readonly visible: (who: Who) => boolean;
  readonly component: LazyExoticComponent<ComponentType>;
}

const patient = (who: Who): boolean => who.kind === 'patient';
const hospitalStaff = (who: Who): boolean => who.kind === 'staff' && who.orgKind === 'hospital';
/** Hospital admins see their hospital's audit views; regulator auditors see all of them. */
const oversight = (who: Who): boolean =>
  who.kind === 'staff' &&
  ((who.orgKind === 'regulator' && who.role === 'auditor') ||
    (who.orgKind === 'hospital' && who.role === 'admin'));
/** Quality review: a custodian's attendings and admins; break-glass review: its admins and auditors. */
const reviewer = (who: Who): boolean =>
  oversight(who) || (who.kind === 'staff' && who.orgKind === 'hospital' && who.role === 'attending');

const page = <K extends string>(
  load: () => Promise<Record<K, ComponentType>>,
  name: K,
): LazyExoticComponent<ComponentType> => lazy(async () => ({ default: (await load())[name] }));

/** A hospital's attendings, who may co-sign a colleague's break-glass beyond a patient's profile. */
const attending = (who: Who): boolean =>
  who.kind === 'staff' && who.orgKind === 'hospital' && who.role === 'attending';
/** A custodian's admins, who answer patients' erasure requests. */
const hospitalAdmin = (who: Who): boolean =>
  who.kind === 'staff' && who.orgKind === 'hospital' && who.role === 'admin';
/** Staff of an org that may be a grantee (a hospital, a research institute), who attest deletions. */
const grantee = (who: Who): boolean =>
  who.kind === 'staff' && (who.orgKind === 'hospital' || who.orgKind === 'research');

const fromPatient = (
  name: 'KeyPage' | 'ConsentsPage' | 'EmergencyPage' | 'SummaryPage' | 'ErasurePage' | 'AccessLogPage',
) => page(() => import('./pages/patient/index'), name);
const fromStaff = (
  name:
    | 'RegisterPatientPage'
    | 'AnchorPage'
    | 'RecordPage'
    | 'ReviewsPage'
    | 'CoSignPage'
    | 'ErasureInboxPage'
    | 'DeletionAttestationPage',
) => page(() => import('./pages/staff/index'), name);
const fromOversight = (name: 'AuditPage' | 'ReportPage' | 'DataFlowPage') =>
  page(() => import('./pages/oversight/index'), name);

/** The pages, in navigation order. */
export const PAGES: readonly PageDef[] = [
  {
    path: 'patient/key',
    title: 'My key',
    section: 'Patient',
    visible: patient,
    component: fromPatient('KeyPage'),
  },
  {
    path: 'patient/consents',
    title: 'Consents',
    section: 'Patient',
    visible: patient,
    component: fromPatient('ConsentsPage'),
  },
  {
    path: 'patient/emergency',
    title: 'Emergency profile',
    section: 'Patient',
    visible: patient,
    component: fromPatient('EmergencyPage'),
  },
  {
    path: 'patient/summary',
    title: 'Health summary',
    section: 'Patient',
    visible: patient,
    component: fromPatient('SummaryPage'),
  },
  {
    path: 'patient/erasure',
    title: 'Erasure requests',
    section: 'Patient',
    visible: patient,
    component: fromPatient('ErasurePage'),
  },
  {
    path: 'patient/access-log',
    title: 'Access log',
    section: 'Patient',
    visible: patient,
    component: fromPatient('AccessLogPage'),
  },
  {
    path: 'staff/register-patient',
    title: 'Register a patient',
    section: 'Records',
    visible: hospitalStaff,
    component: fromStaff('RegisterPatientPage'),
  },
  {
    path: 'staff/anchor',
    title: 'Anchor a record',
    section: 'Records',
    visible: hospitalStaff,
    component: fromStaff('AnchorPage'),
  },
  {
    path: 'staff/record',
    title: 'Find a record',
    section: 'Records',
    visible: hospitalStaff,
    component: fromStaff('RecordPage'),
  },
  {
    path: 'staff/deletion-attestation',
    title: 'Attest deletion',
    section: 'Records',
    visible: grantee,
    component: fromStaff('DeletionAttestationPage'),
  },
  {
    path: 'oversight/audit',
    title: 'Audit search',
    section: 'Oversight',
    visible: oversight,
    component: fromOversight('AuditPage'),
  },
  {
    path: 'oversight/report',
    title: 'Compliance report',
    section: 'Oversight',
    visible: oversight,
    component: fromOversight('ReportPage'),
  },
  {
    path: 'oversight/data-flow',
    title: 'Data flow and alerts',
    section: 'Oversight',
    visible: oversight,
    component: fromOversight('DataFlowPage'),
  },
  {
    path: 'staff/reviews',
    title: 'Reviews',
    section: 'Reviews',
    visible: reviewer,
    component: fromStaff('ReviewsPage'),
  },
  {
    path: 'staff/co-sign',
    title: 'Co-sign break-glass',
    section: 'Reviews',
    visible: attending,
    component: fromStaff('CoSignPage'),
  },
  {
    path: 'staff/erasure-requests',
    title: 'Erasure inbox',
    section: 'Reviews',
    visible: hospitalAdmin,
    component: fromStaff('ErasureInboxPage'),
  },
];

/** The pages `who` sees. */
export function pagesFor(who: Who): PageDef[] {
  return PAGES.filter((p) => p.visible(who));
}
