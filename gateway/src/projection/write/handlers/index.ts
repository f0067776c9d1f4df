/**
 * Which handler writes the rows of each chaincode event type. The table names every event the
 * domain declares, so a new event type does not compile until it is given a handler or `null`
 * (kept in `ledger_tx` only, for the consistency check, until a view reads it).
 */
import type { EventName } from '@medledger/domain';

import { onAccessDecided, onBreakGlassReviewed, onRecordListingOpened } from './access';
import { onConsentGranted, onConsentRevoked, onDeletionAttested } from './consent';
import { onErasureRequestAnswered, onErasureRequested } from './erasure-request';
import { onAccessFrozen, onFreezeLiftApproved } from './freeze';
import { onIncidentRecorded } from './incident';
import type { EventHandler } from './handler';
import {
  onClaimSubmitted,
  onCoverageChanged,
  onCoverageRegistered,
  onDisputeOpened,
  onDisputeResolved,
  onSettlementBatchClosed,
} from './insurance';
import { onRecordAnchored, onRecordContentErased, onRecordQualityReviewed } from './record';
import { onPatientKeyRotated, onPatientRegistered } from './patient';
import { onStaffChanged, onStaffDeactivated } from './staff';

export type { EventHandler, HandlerContext } from './handler';

/** The handler of every event type, or `null` for the types no view reads yet. */
export const EVENT_HANDLERS: { readonly [N in EventName]: EventHandler<N> | null } = {
  AccessDecided: onAccessDecided,
  BreakGlassReviewed: onBreakGlassReviewed,
  ConsentGranted: onConsentGranted,
  ConsentRevoked: onConsentRevoked,
  DeletionAttested: onDeletionAttested,
  RecordAnchored: onRecordAnchored,
  RecordQualityReviewed: onRecordQualityReviewed,
  RecordContentErased: onRecordContentErased,
  StaffRegistered: onStaffChanged,
  StaffUpdated: onStaffChanged,
  StaffDeactivated: onStaffDeactivated,
  StaffRoleChangeProposed: null,
  CoverageRegistered: onCoverageRegistered,
  CoverageChanged: onCoverageChanged,
  ClaimSubmitted: onClaimSubmitted,
  DisputeOpened: onDisputeOpened,
  DisputeResolved: onDisputeResolved,
  SettlementBatchClosed: onSettlementBatchClosed,
  SettlementEntriesIndexed: null,
  StaffRoleChangeApproved: onStaffChanged,
  PatientRegistered: onPatientRegistered,
  PatientKeyRotated: onPatientKeyRotated,
  PatientPreferencesSet: null,
  RecordContentStaged: null,
  DataKeysRewrapped: null,
  StudyRegistered: null,
  StudyProposed: null,
  StudyDecided: null,
  StudyTaskAssigned: null,
  ContributionRecorded: null,
  ModelUpdateSubmitted: null,
  RoundAggregated: null,
  ResultAnchored: null,
  CredentialAnchored: null,
  StudyChanged: null,
  ConsortiumInitialized: null,
  ConsortiumOrgJoined: null,
  CollectionKeyInstalled: null,
  StudySecretInstalled: null,
  RecordListingOpened: onRecordListingOpened,
  DataUseRecorded: null,
  PatientAccessOpened: null,
  ErasureRequested: onErasureRequested,
  ErasureRequestAnswered: onErasureRequestAnswered,
  AccessFrozen: onAccessFrozen,
  FreezeLiftApproved: onFreezeLiftApproved,
  // Ids and an action only: incidents live in the regulator's sealed collection and are read there.
  IncidentRecorded: onIncidentRecorded,
};
