import assert from 'node:assert/strict';

import { DEBIAN_CHROMIUM, ensureChromium, type ChromiumInstaller } from './browser';
import { describe, it } from './node-test';

/** An installer over a pretend file system: apt-get makes the browser appear (after an update, if so told). */
function pretend(options: { root: boolean; present: boolean; installWorksAfterUpdate?: boolean }) {
  const calls: string[] = [];
  let present = options.present;
  let updated = false;
  const installer: ChromiumInstaller = {
    isRoot: () => options.root,
    exists: () => present,
    run: (command, args) => {
      calls.push([command, ...args].join(' '));
      if (args.includes('update')) {
        updated = true;
        return 0;
      }
      if (options.installWorksAfterUpdate && !updated) return 100;
      present = true;
      return 0;
    },
  };
  return { installer, calls };
}

describe('the test browser', () => {
  it('when Chromium is there, then its path, and nothing is installed', () => {
    const { installer, calls } = pretend({ root: true, present: true });
    assert.equal(ensureChromium(DEBIAN_CHROMIUM, installer), DEBIAN_CHROMIUM);
    assert.deepEqual(calls, []);
  });

  it('when Chromium is missing and the tests run as root, then apt-get installs it (after updating the lists when the first try fails)', () => {
    const first = pretend({ root: true, present: false });
    assert.equal(ensureChromium(DEBIAN_CHROMIUM, first.installer), DEBIAN_CHROMIUM);
    assert.deepEqual(first.calls, [
      'apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends chromium',
    ]);
    const stale = pretend({ root: true, present: false, installWorksAfterUpdate: true });
    assert.equal(ensureChromium(DEBIAN_CHROMIUM, stale.installer), DEBIAN_CHROMIUM);
    assert.equal(stale.calls.length, 3);
    assert.match(stale.calls[1] ?? '', /update$/);
  });

  it('when Chromium is missing and the tests do not run as root, or another path is named, then a clear message and no install', () => {
    const user = pretend({ root: false, present: false });
    assert.throws(() => ensureChromium(DEBIAN_CHROMIUM, user.installer), /apt-get install -y chromium/);
    const other = pretend({ root: true, present: false });
    assert.throws(() => ensureChromium('/opt/chrome/chrome', other.installer), /MEDLEDGER_CHROMIUM/);
    assert.deepEqual([...user.calls, ...other.calls], []);
  });
});
