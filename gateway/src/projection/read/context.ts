/** What every query of the read side works with: the read-only connection, cursors and settings. */
import type { SqlDriver } from '../write/sql/driver';
import type { AlertOptions } from './alerts/options';
import type { CursorCodec } from './cursor';

/** Settings of the reports and alerts. */
export interface ReadSettings {
  /** A break-glass access not reviewed within this many hours is overdue. */
  readonly breakGlassReviewHours: number;
  /** Consents ending within this many days are "expiring soon". */
  readonly expiringConsentDays: number;
  /** Rows per list of the compliance report at most. */
  readonly reportMaxRows: number;
  readonly alerts: AlertOptions;
}

/** The read side's dependencies, shared by every view. */
export interface ReadContext {
  readonly db: SqlDriver;
  readonly cursors: CursorCodec;
  readonly settings: ReadSettings;
}
