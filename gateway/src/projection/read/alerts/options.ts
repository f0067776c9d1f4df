/** The thresholds of the alert rules: the gateway config's `projection.alerts`, with its defaults. */
import { alertsConfigSchema } from '../../../config';

/** Thresholds of the alert rules (documented field by field in the config schema). */
export type AlertOptions = Readonly<ReturnType<typeof alertsConfigSchema.parse>>;

/** The defaults, as a config without `projection.alerts` gets them. */
export const DEFAULT_ALERT_OPTIONS: AlertOptions = Object.freeze(alertsConfigSchema.parse({}));

/** What the rules read: the thresholds and the break-glass review deadline. */
export interface RuleSettings extends AlertOptions {
  /** A break-glass access not reviewed within this many hours is overdue. */
  readonly breakGlassReviewHours: number;
}
