/**
 * Finds the first object key that appears twice in one JSON object. `JSON.parse` silently keeps the
 * last duplicate, so `{"role":"nurse","role":"admin"}` could be read one way by a validating proxy and
 * another way here; such bodies are refused instead. Expects text that is valid JSON (the parser runs
 * afterwards and reports anything else); runs in one pass without recursion.
 */
export function findDuplicateKey(text: string): string | undefined {
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
        if (top.has(key)) return key;
        top.add(key);
      }
      expectKey = false;
      i = j + 1;
      continue;
    }
    if (c === '{') {
      stack.push(new Set());
      expectKey = true;
    } else if (c === '[') {
      stack.push(undefined);
      expectKey = false;
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
