/**
 * The `gossip` lever's own figures (levers.ts runs it): what the peers' gossip timing costs an idle
 * consortium, what it costs per operation by role, and what a slower gossip delays after a peer restarts.
 */
import { ROLES, type RoleCpu } from './cpu';
import { ROLE_TITLES } from './report';

/** The middle value of `xs` (the mean of the middle two for an even count); 0 for none. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** What one round saw of one gossip setting, besides its load runs. */
export interface GossipObservation {
  readonly setting: string;
  /** CPU milliseconds per second of the idle consortium, in all and per role. */
  readonly idleCpuMsPerS: { readonly total: number; readonly byRole: RoleCpu };
  /** Milliseconds from a restarted peer's process being ready until: */
  readonly restart: {
    /** every peer's gossip view of the channel holds every other peer (what the bench waits for); */
    readonly gossipKnownMs: number | null;
    /** its org's REST gateway commits an empty transaction again (endorsed across orgs). */
    readonly firstCommitMs: number | null;
  };
}

/** CPU milliseconds per second between two readings of CPU seconds per role, `seconds` apart. */
export function cpuMsPerSecond(
  before: { total: number; byRole: RoleCpu },
  after: { total: number; byRole: RoleCpu },
  seconds: number,
): { total: number; byRole: RoleCpu } {
  const rate = (a: number, b: number): number => ((b - a) * 1000) / seconds;
  const byRole = Object.fromEntries(
    ROLES.map((role) => [role, rate(before.byRole[role], after.byRole[role])]),
  ) as Record<keyof RoleCpu, number>;
  return { total: rate(before.total, after.total), byRole };
}

const fmt = (n: number | null, digits = 1): string => (n === null ? '–' : n.toFixed(digits));

/** The observations of each setting, in the order the settings are given. */
function bySetting<O extends { readonly setting: string }>(
  settings: readonly string[],
  observations: readonly O[],
): [string, O[]][] {
  return settings.map((s) => [s, observations.filter((o) => o.setting === s)]);
}

/**
 * The idle consortium's CPU per second per setting (medians of the rounds), then the second setting's
 * as a ratio of the first's, per role and per peer.
 */
export function idleTable(
  settings: readonly string[],
  observations: readonly Pick<GossipObservation, 'setting' | 'idleCpuMsPerS'>[],
  peers: number,
): string[] {
  const header = [
    'setting',
    'consortium (ms/s)',
    ...ROLES.map((r) => `${ROLE_TITLES[r]} (ms/s)`),
    'per peer (ms/s)',
  ];
  const rows = bySetting(settings, observations).map(([setting, obs]) => {
    const total = median(obs.map((o) => o.idleCpuMsPerS.total));
    const roles = ROLES.map((r) => median(obs.map((o) => o.idleCpuMsPerS.byRole[r])));
    return { setting, values: [total, ...roles, (roles[0] ?? 0) / peers] };
  });
  const lines = [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.setting} | ${r.values.map((v) => fmt(v)).join(' | ')} |`),
  ];
  const [a, b] = rows;
  if (a && b)
    lines.push(
      `| ${b.setting} ÷ ${a.setting} | ${b.values.map((v, i) => ((a.values[i] ?? 0) > 0 ? (v / (a.values[i] ?? 1)).toFixed(2) : '–')).join(' | ')} |`,
    );
  return lines;
}

/** The restart delays per setting: medians, each round's value in brackets (– when it never came). */
export function restartTable(
  settings: readonly string[],
  observations: readonly GossipObservation[],
): string[] {
  const cell = (xs: readonly (number | null)[]): string => {
    const known = xs.filter((x): x is number => x !== null);
    return `${known.length === 0 ? '–' : median(known).toFixed(0)} (${xs.map((x) => fmt(x, 0)).join(', ')})`;
  };
  return [
    '| setting | until every peer knows every other (ms) | until its gateway commits again (ms) |',
    '|---|---|---|',
    ...bySetting(settings, observations).map(
      ([setting, obs]) =>
        `| ${setting} | ${cell(obs.map((o) => o.restart.gossipKnownMs))} | ${cell(obs.map((o) => o.restart.firstCommitMs))} |`,
    ),
  ];
}

/** CPU per operation by role, per workload and setting: medians of the rounds. */
export function roleTable(
  sides: readonly { readonly label: string; readonly roleCpuMsPerOp?: readonly RoleCpu[] }[],
): string[] {
  const header = ['workload', 'setting', ...ROLES.map((r) => `${ROLE_TITLES[r]} (ms/op)`)];
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...sides.map((side) => {
      const [name, setting] = side.label.split(' | ');
      const runs = side.roleCpuMsPerOp ?? [];
      const cells = ROLES.map((r) => (runs.length === 0 ? '–' : median(runs.map((x) => x[r])).toFixed(2)));
      return `| ${name ?? ''} | ${setting ?? ''} | ${cells.join(' | ')} |`;
    }),
  ];
}
