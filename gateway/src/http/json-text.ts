/**
 * Checks a JSON body as text, before it is parsed, in one pass without recursion:
 * - a key that appears twice in one object: `JSON.parse` silently keeps the last duplicate, so
 *   `{"role":"nurse","role":"admin"}` could be read one way by a validating proxy and another way here;
 * - arrays and objects nested deeper than a bound: a value that deep parses, but every later step that
 *   walks it recursively (canonical JSON, validation, the chaincode's checks) would overflow the stack.
 * Expects text that is valid JSON (the parser runs afterwards and reports anything else).
 */

/** What is wrong with a JSON text, if anything. */
export type JsonTextProblem =
  | { readonly kind: 'duplicate-key'; readonly key: string }
  | { readonly kind: 'too-deep'; readonly maxDepth: number };

/** The first problem of `text` (a repeated key, or nesting deeper than `maxDepth`), else undefined. */
export function findJsonTextProblem(text: string, maxDepth: number): JsonTextProblem | undefined {
  // One set of seen keys per open object; arrays push `undefined` so nesting stays aligned.
  const stack: (Set<string> | undefined)[] = [];
  let expectKey = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack.at(-1);
      if (expectKey && top !== undefined) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.has(key)) return { kind: 'duplicate-key', key };
        top.add(key);
      }
      expectKey = false;
      i = j + 1;
      continue;
    }
    if (c === '{' || c === '[') {
      if (stack.length >= maxDepth) return { kind: 'too-deep', maxDepth };
      stack.push(c === '{' ? new Set() : undefined);
      expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      stack.pop();
      expectKey = false;
    } else if (c === ',') {
      expectKey = stack.at(-1) !== undefined;
    }
    i++;
  }
  return undefined;
}
