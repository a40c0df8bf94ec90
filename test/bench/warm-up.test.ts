import assert from 'node:assert/strict';
import { test } from 'node:test';
import { settled, warmUp } from '../../bench/warm-up.ts';

const windowsOf = (figures: readonly number[]) => {
  let i = 0;
  return async () => figures[Math.min(i++, figures.length - 1)] as number;
};

test('a target still falling is not settled; one that stopped falling is', () => {
  assert.equal(settled([1.0, 0.6, 0.45], 0.05), false);
  assert.equal(settled([0.42, 0.41, 0.4], 0.05), true);
  assert.equal(settled([0.4, 0.4], 0.05), false, 'too few windows to tell');
  assert.equal(settled([0.4, 0.4, Number.NaN], 0.05), false);
});

test('warm-up runs at least the minimum windows and stops once the figure settles', async () => {
  const options = { minWindows: 3, maxWindows: 10, tolerance: 0.05 };
  const falling = await warmUp(windowsOf([1.0, 0.62, 0.5, 0.43, 0.41, 0.4, 0.4]), options);
  assert.deepEqual(falling, { windows: [1.0, 0.62, 0.5, 0.43, 0.41, 0.4], settled: true });
  const flat = await warmUp(windowsOf([0.4]), options);
  assert.equal(flat.windows.length, 3);
});

test('warm-up gives up after the maximum windows and says it did not settle', async () => {
  const swinging = await warmUp(windowsOf([1, 0.5, 1, 0.5, 1, 0.5]), { minWindows: 2, maxWindows: 6, tolerance: 0.05 });
  assert.equal(swinging.windows.length, 6);
  assert.equal(swinging.settled, false);
});
