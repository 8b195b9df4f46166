import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sha2crypt, sha2cryptChecksum } from './sha2crypt.js';

// Drepper's specification inputs; expected values checked with glibc's crypt(3) through Python's crypt module.
test('sha512crypt matches the specification vectors', () => {
  assert.equal(
    sha2cryptChecksum('sha512', 'Hello world!', 'saltstring', 5000),
    'svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1',
  );
  assert.equal(
    sha2crypt('sha512', 'Hello world!', 'saltstringsaltstring', 10000),
    '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.',
  );
});

test('sha256crypt matches the specification vectors', () => {
  assert.equal(
    sha2cryptChecksum('sha256', 'Hello world!', 'saltstring', 5000),
    '5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5',
  );
  assert.equal(
    sha2crypt('sha256', 'Hello world!', 'saltstringsaltstring', 10000),
    '$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA',
  );
});

test('an empty password and an empty salt are valid inputs', () => {
  assert.equal(sha2cryptChecksum('sha512', '', '', 1000).length, 86);
  assert.equal(sha2cryptChecksum('sha256', '', '', 1000).length, 43);
});
