/**
 * Crash points for the fault suite: with `failpoints` on in the configuration (testing only), a write
 * carrying `Medledger-Failpoint: <stage>` makes this process SIGKILL itself at that stage, so a test can
 * crash the gateway exactly between endorse, submit, commit and the response instead of by timing.
 */

/** The stages of a write, in order. */
export const FAILPOINT_STAGES = [
  'before-endorse',
  'after-endorse',
  'after-submit',
  'after-commit',
  'before-respond',
] as const;

export type FailpointStage = (typeof FAILPOINT_STAGES)[number];

export const FAILPOINT_HEADER = 'Medledger-Failpoint';

/** The stage a request asks to crash at, if it names one. */
export function parseFailpoint(value: string | undefined): FailpointStage | undefined {
  return FAILPOINT_STAGES.find((s) => s === value);
}

/** Dies at once, as a SIGKILL would kill it (no cleanup, no response), when `stage` is the one asked. */
export function crashAt(stage: FailpointStage, asked: FailpointStage | undefined): void {
  if (asked === stage) process.kill(process.pid, 'SIGKILL');
}
