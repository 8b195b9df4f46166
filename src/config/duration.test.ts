import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration, parseDurationDetailed } from './duration.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

test('integers and numeric strings are seconds', () => {
  assert.equal(parseDuration(90), 90 * S);
  assert.equal(parseDuration('90'), 90 * S);
  assert.equal(parseDuration(0), 0);
  assert.equal(parseDuration(-1), -1 * S);
  assert.equal(parseDuration(1.6), 2 * S);
});

test("Go's standard units", () => {
  assert.equal(parseDuration('5m'), 5 * M);
  assert.equal(parseDuration('1h30m'), H + 30 * M);
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('10s'), 10 * S);
});

test("Authelia's extra units: d, w, M (month), y, and words", () => {
  assert.equal(parseDuration('90d'), 90 * D);
  assert.equal(parseDuration('1w'), 7 * D);
  assert.equal(parseDuration('1M'), 30 * D);
  assert.equal(parseDuration('1y'), 365 * D);
  assert.equal(parseDuration('1 month'), 30 * D);
  assert.equal(parseDuration('5 minutes'), 5 * M);
  assert.equal(parseDuration('2 weeks'), 14 * D);
  assert.equal(parseDuration('1 hour and 30 minutes'), H + 30 * M);
  assert.equal(parseDuration('1 year'), 365 * D);
});

test('m is minutes and M is months', () => {
  assert.notEqual(parseDuration('1m'), parseDuration('1M'));
});

test('invalid forms are undefined with an Authelia-style reason', () => {
  assert.equal(parseDuration('soon'), undefined);
  assert.equal(parseDuration('5x'), undefined);
  assert.equal(parseDuration('0m'), undefined);
  const r = parseDurationDetailed('5 fortnights');
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.error, /the unit 'fortnights' is not valid/);
  assert.deepEqual(parseDurationDetailed('nothing'), {
    ok: false,
    error: "could not parse 'nothing' as a duration",
  });
});
