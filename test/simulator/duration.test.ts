import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDurationSeconds } from '../../src/simulator/duration.ts';

test('reads minutes, hours and seconds after T', () => {
  assert.equal(parseDurationSeconds('PT10M'), 600);
  assert.equal(parseDurationSeconds('PT1H30M5S'), 5405);
});

test('reads days, weeks, and years of 365 days', () => {
  assert.equal(parseDurationSeconds('P90D'), 90 * 86_400);
  assert.equal(parseDurationSeconds('P1W'), 7 * 86_400);
  assert.equal(parseDurationSeconds('P100Y'), 100 * 365 * 86_400);
  assert.equal(parseDurationSeconds('P1DT12H'), 36 * 3600);
});

test('reads NEVER as an infinite lifetime', () => {
  assert.equal(parseDurationSeconds('NEVER'), Number.POSITIVE_INFINITY);
});

test('rejects text that is not a duration', () => {
  for (const text of ['', 'P', 'PT', '10M', 'P1H', 'PT-5M', 'soon']) {
    assert.equal(parseDurationSeconds(text), undefined, text);
  }
});
