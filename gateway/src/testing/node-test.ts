/**
 * node:test's `describe` and `it` return promises that the runner awaits itself; these wrappers mark
 * them as handled so test files read plainly under strict lint rules.
 */
import * as nodeTest from 'node:test';

type SuiteFn = (t: nodeTest.SuiteContext) => void | Promise<void>;
type TestFn = (t: nodeTest.TestContext) => void | Promise<void>;

export function describe(name: string, fn: SuiteFn): void {
  void nodeTest.describe(name, fn);
}

export function it(name: string, fn: TestFn): void {
  void nodeTest.it(name, fn);
}

export const { before, after, beforeEach, afterEach } = nodeTest;
