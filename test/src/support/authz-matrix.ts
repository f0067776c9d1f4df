/**
 * The authorization matrix's table form: expected decisions written as one row of cells per route or
 * transaction (one cell per caller, in a fixed column order), and the printed comparison with what
 * the run got.
 */

/** A row: route or transaction name, then one whitespace-separated cell per column. */
export function parseRow<C extends string>(
  columns: readonly C[],
  row: string,
): { name: string; cells: Record<C, string> } {
  const [name = '', ...cells] = row.split('|').map((s) => s.trim());
  const values = (cells[0] ?? '').split(/\s+/).filter((s) => s !== '');
  if (values.length !== columns.length) {
    throw new Error(`${name}: ${values.length} cells for ${columns.length} columns`);
  }
  return { name, cells: Object.fromEntries(columns.map((c, i) => [c, values[i]])) as Record<C, string> };
}

/** One comparison: what the table expects and what the run got, per caller. */
export interface MatrixResult<C extends string> {
  readonly name: string;
  readonly expected: Record<C, string>;
  readonly got: Partial<Record<C, string>>;
}

/** The matrix as text lines: the got value per cell, `expected>got!` where they differ. */
export function renderMatrix<C extends string>(
  columns: readonly C[],
  labels: Readonly<Record<string, string>>,
  results: readonly MatrixResult<C>[],
): string[] {
  const cell = (r: MatrixResult<C>, c: C): string => {
    const got = r.got[c] ?? '-';
    return got === r.expected[c] ? got : `${r.expected[c]}>${got}!`;
  };
  const first = Math.max(...results.map((r) => r.name.length), 5);
  const widths = columns.map((c) =>
    Math.max((labels[c] ?? c).length, ...results.map((r) => cell(r, c).length)),
  );
  const line = (head: string, values: string[]): string =>
    `${head.padEnd(first)} | ${values.map((v, i) => v.padEnd(widths[i] ?? 0)).join(' ')}`.trimEnd();
  return [
    line(
      '',
      columns.map((c) => labels[c] ?? c),
    ),
    ...results.map((r) =>
      line(
        r.name,
        columns.map((c) => cell(r, c)),
      ),
    ),
  ];
}

/** The chaincode's `[CODE]` in an SDK error (message or endorsement details), or undefined. */
export function chaincodeCode(err: unknown): { code: string | undefined; text: string } {
  const details = (err as { details?: { message: string }[] }).details ?? [];
  const text = [(err as Error).message, ...details.map((d) => d.message)].join(' ');
  return { code: /\[([A-Z][A-Z0-9_]{1,63})\]/.exec(text)?.[1], text };
}
