/**
 * The `signature-checks` lever's own figures (levers.ts runs it): how many signature verifications
 * Fabric's peers and orderers make per operation, and per second for gossip, counted from their own
 * debug log lines, under each form of the channel's Application Readers and Writers policies.
 *
 * What is counted (Fabric 3.1 logs one line for each):
 * - every signature a policy evaluation verifies (`policies`: "signature for identity N validated"):
 *   endorsement policies at commit, ACLs (the `peer/Propose` check of every proposal), the gossip
 *   messages a peer checks against the channel's Readers, block signatures (`BlockValidation`), and
 *   at the orderers each transaction's `/Channel/Writers`;
 * - every creator check ("creator is valid", `protoutils` at commit and `endorser` per proposal).
 * Gossip's alive messages, verified against the sender's identity without a policy, are not logged
 * and not counted. The counts are exact and the same on a fast or a slow machine, unlike CPU.
 */

/** The Fabric log spec that makes peers and orderers log each counted verification. */
export const SIGNATURE_LOG_SPEC = 'warning:policies=debug:protoutils=debug:endorser=debug';

/** What a window of one process's log shows. */
export interface SignatureCounts {
  /** Signatures verified, policy evaluations and creator checks together. */
  readonly verifications: number;
  /**
   * Of them, those made checking gossip messages against the channel's Readers: one per signature
   * policy evaluated under it (the channel's own in the signature form, each org's tried in the `ANY` form).
   */
  readonly readersVerifications: number;
  /** Evaluations by policy path (`/Channel/Application/Readers`, `/Channel/Application/Hospital1/Readers`, ...). */
  readonly evaluations: Readonly<Record<string, number>>;
}

// Fabric's own wording, with its colour codes stripped.
const POLICY_SIGNATURE = /signature for identity \d+ validated/;
const CREATOR_CHECK = /creator is valid/;
const EVALUATION = /== Evaluating (\S+) Policy (\S+) ==/;
const READERS_PATH = /^\/Channel\/Application\/(?:[^/]+\/)?Readers$/;
// eslint-disable-next-line no-control-regex -- Fabric colours its log lines with ANSI escapes.
const ANSI = /\u001b\[[0-9;]*m/g;

/** Counts the verifications and policy evaluations in `log` (any number of lines). */
export function countSignatureChecks(log: string): SignatureCounts {
  let verifications = 0;
  let readersVerifications = 0;
  const evaluations: Record<string, number> = {};
  for (const raw of log.split('\n')) {
    const line = raw.replace(ANSI, '');
    if (POLICY_SIGNATURE.test(line) || CREATOR_CHECK.test(line)) {
      verifications++;
      continue;
    }
    const [, type, path] = EVALUATION.exec(line) ?? [];
    if (type === undefined || path === undefined) continue;
    evaluations[path] = (evaluations[path] ?? 0) + 1;
    // A signature policy verifies the message's one signature; an implicit-meta one only delegates.
    if (type === '*cauthdsl.policy' && READERS_PATH.test(path)) readersVerifications++;
  }
  return { verifications, readersVerifications, evaluations };
}

/** Sums counts (of several processes). */
export function addCounts(counts: readonly SignatureCounts[]): SignatureCounts {
  const evaluations: Record<string, number> = {};
  for (const c of counts)
    for (const [path, n] of Object.entries(c.evaluations)) evaluations[path] = (evaluations[path] ?? 0) + n;
  return {
    verifications: counts.reduce((s, c) => s + c.verifications, 0),
    readersVerifications: counts.reduce((s, c) => s + c.readersVerifications, 0),
    evaluations,
  };
}

/**
 * One window split the way its work is driven: the operations' own verifications (all but gossip's;
 * an idle network makes none) per operation, and gossip's per second, which runs on timers and would
 * only add noise per operation.
 */
export function splitWindow(
  c: SignatureCounts,
  ops: number,
  seconds: number,
): { perOp: number; gossipPerSecond: number } {
  return {
    perOp: ops > 0 ? (c.verifications - c.readersVerifications) / ops : 0,
    gossipPerSecond: seconds > 0 ? c.readersVerifications / seconds : 0,
  };
}

/** The member policy checks in `c`: checks of the channel-wide policy, and tries of an org's own policy of that name. */
export function memberPolicyChecks(
  c: SignatureCounts,
  name: 'Readers' | 'Writers',
): { checks: number; orgTries: number } {
  let checks = 0;
  let orgTries = 0;
  for (const [path, n] of Object.entries(c.evaluations)) {
    if (path === `/Channel/Application/${name}`) checks += n;
    else if (new RegExp(`^/Channel/Application/[^/]+/${name}$`).test(path)) orgTries += n;
  }
  return { checks, orgTries };
}

/** One measured window: a workload run one operation at a time (or the idle network, no operations) under one form of the policies. */
export interface SignatureRow {
  readonly policies: string;
  readonly workload: string;
  readonly ops: number;
  readonly seconds: number;
  readonly peerCount: number;
  readonly peers: SignatureCounts;
  readonly orderers: SignatureCounts;
}

const fmt = (n: number): string => n.toFixed(1);

/**
 * The windows as a table: per operation, the verifications at the peers (all, and each on average)
 * and at the orderers, and the Writers checks (and the orgs' policies they tried); per second, the
 * verifications each peer makes checking gossip against Readers.
 */
export function signatureTable(rows: readonly SignatureRow[]): string[] {
  const header = [
    'workload',
    'Readers and Writers',
    'verifications per op, all peers',
    'per peer',
    'orderers',
    'Writers checks per op (org policies tried)',
    "gossip's Readers verifications per second, each peer",
  ];
  const line = (r: SignatureRow): string => {
    const peers = splitWindow(r.peers, r.ops, r.seconds);
    const orderers = splitWindow(r.orderers, r.ops, r.seconds);
    const writers = memberPolicyChecks(r.peers, 'Writers');
    const perOp = (text: () => string): string => (r.ops > 0 ? text() : '–');
    return `| ${[
      r.workload,
      r.policies,
      perOp(() => fmt(peers.perOp)),
      perOp(() => fmt(peers.perOp / r.peerCount)),
      perOp(() => fmt(orderers.perOp)),
      perOp(() => `${fmt(writers.checks / r.ops)} (${fmt(writers.orgTries / r.ops)})`),
      fmt(peers.gossipPerSecond / r.peerCount),
    ].join(' | ')} |`;
  };
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map(line)];
}

/** Per workload, the second form's figures as ratios of the first's: per op at the peers and orderers, and gossip's per second. */
export function signatureRatios(rows: readonly SignatureRow[], [a, b]: readonly [string, string]): string[] {
  const out = [
    `| workload | per op, peers, ${b} ÷ ${a} | per op, orderers | gossip per second, peers |`,
    '|---|---|---|---|',
  ];
  const ratio = (x: number, y: number): string => (x > 0 ? (y / x).toFixed(2) : '–');
  for (const w of new Set(rows.map((r) => r.workload))) {
    const ra = rows.find((r) => r.workload === w && r.policies === a);
    const rb = rows.find((r) => r.workload === w && r.policies === b);
    if (!ra || !rb) continue;
    const [pa, pb] = [splitWindow(ra.peers, ra.ops, ra.seconds), splitWindow(rb.peers, rb.ops, rb.seconds)];
    const [oa, ob] = [
      splitWindow(ra.orderers, ra.ops, ra.seconds),
      splitWindow(rb.orderers, rb.ops, rb.seconds),
    ];
    out.push(
      `| ${w} | ${ratio(pa.perOp, pb.perOp)} | ${ratio(oa.perOp, ob.perOp)} | ${ratio(pa.gossipPerSecond, pb.gossipPerSecond)} |`,
    );
  }
  return out;
}
