/**
 * Expansion of the value sets that R4 binds with strength `required`, from the CodeSystems and
 * ValueSets published with the specification. Only what can be expanded exactly is expanded: whole
 * code systems with complete content, enumerated concepts, and other value sets built that way. A
 * value set that needs a filter, an external code system (MIME types, ISO 4217 currencies) or a code
 * system the specification does not publish stays unexpanded, and its codes are not checked; the
 * validator lists those.
 */

/** The codes a value set admits: bare codes (for `code` elements) and `system|code` pairs. */
export interface ValueSetCodes {
  readonly codes: ReadonlySet<string>;
  readonly codings: ReadonlySet<string>;
}

interface Concept {
  code: string;
  concept?: Concept[];
}

interface CodeSystemDef {
  resourceType: 'CodeSystem';
  url: string;
  content?: string;
  concept?: Concept[];
}

interface ComposeRule {
  system?: string;
  concept?: { code: string }[];
  filter?: unknown[];
  valueSet?: string[];
}

interface ValueSetDef {
  resourceType: 'ValueSet';
  url: string;
  compose?: { include: ComposeRule[]; exclude?: ComposeRule[] };
}

/** The published terminology, by canonical URL. */
export interface Terminology {
  readonly codeSystems: ReadonlyMap<string, CodeSystemDef>;
  readonly valueSets: ReadonlyMap<string, ValueSetDef>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Indexes the CodeSystems and ValueSets of FHIR Bundles by URL (the first one of a URL wins). */
export function indexTerminology(bundles: readonly unknown[]): Terminology {
  const codeSystems = new Map<string, CodeSystemDef>();
  const valueSets = new Map<string, ValueSetDef>();
  for (const bundle of bundles) {
    const entries = isRecord(bundle) && Array.isArray(bundle.entry) ? (bundle.entry as unknown[]) : [];
    for (const entry of entries) {
      const r = isRecord(entry) ? entry.resource : undefined;
      if (!isRecord(r) || typeof r.url !== 'string') continue;
      if (r.resourceType === 'CodeSystem' && !codeSystems.has(r.url))
        codeSystems.set(r.url, r as unknown as CodeSystemDef);
      if (r.resourceType === 'ValueSet' && !valueSets.has(r.url))
        valueSets.set(r.url, r as unknown as ValueSetDef);
    }
  }
  return { codeSystems, valueSets };
}

/** A canonical URL without its `|version`. */
export function unversioned(url: string): string {
  const bar = url.indexOf('|');
  return bar < 0 ? url : url.slice(0, bar);
}

/** Every code of a CodeSystem's concepts, nested ones included, in order. */
export function allCodes(concepts: readonly Concept[] | undefined, out: string[]): string[] {
  for (const c of concepts ?? []) {
    out.push(c.code);
    allCodes(c.concept, out);
  }
  return out;
}

/** The `system|code` pairs one compose rule selects, or undefined when it cannot be expanded exactly. */
function ruleCodings(rule: ComposeRule, t: Terminology, seen: ReadonlySet<string>): string[] | undefined {
  if (rule.filter !== undefined && rule.filter.length > 0) return undefined;
  if (rule.system !== undefined) {
    // A system and value sets together mean their intersection: not used by the required bindings.
    if (rule.valueSet !== undefined) return undefined;
    const system = rule.system;
    if (rule.concept !== undefined) return rule.concept.map((c) => `${system}|${c.code}`);
    const cs = t.codeSystems.get(system);
    if (cs?.content !== 'complete') return undefined;
    return allCodes(cs.concept, []).map((code) => `${system}|${code}`);
  }
  if (rule.valueSet?.length !== 1) return undefined;
  const [url] = rule.valueSet;
  const inner = url === undefined ? undefined : expandCodings(unversioned(url), t, seen);
  return inner === undefined ? undefined : [...inner];
}

function expandCodings(url: string, t: Terminology, seen: ReadonlySet<string>): Set<string> | undefined {
  const vs = t.valueSets.get(url);
  if (!vs?.compose || seen.has(url)) return undefined;
  const inner = new Set([...seen, url]);
  const codings = new Set<string>();
  for (const rule of vs.compose.include) {
    const selected = ruleCodings(rule, t, inner);
    if (selected === undefined) return undefined;
    for (const c of selected) codings.add(c);
  }
  for (const rule of vs.compose.exclude ?? []) {
    const selected = ruleCodings(rule, t, inner);
    if (selected === undefined) return undefined;
    for (const c of selected) codings.delete(c);
  }
  return codings;
}

/**
 * Expands the value set at `url` (unversioned) to its `system|code` pairs, sorted, or returns undefined
 * when it cannot be expanded exactly.
 */
export function expandValueSet(url: string, t: Terminology): string[] | undefined {
  const codings = expandCodings(url, t, new Set());
  return codings === undefined ? undefined : [...codings].sort();
}

/** The lookup sets of an expansion. */
export function valueSetCodes(codings: readonly string[]): ValueSetCodes {
  return {
    codes: new Set(codings.map((c) => c.slice(c.indexOf('|') + 1))),
    codings: new Set(codings),
  };
}
