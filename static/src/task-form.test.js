import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formOutput, spanText, timeLeft } from './task-form.js';

test('form values become the output, typed', () => {
  const { output, missing } = formOutput([
    { name: 'approved', type: 'boolean', value: true },
    { name: 'amount', type: 'number', value: '12.5', required: true },
    { name: 'note', type: 'text', value: ' ok ' },
    { name: 'level', type: 'select', value: 'high' },
  ]);
  assert.deepEqual(output, { approved: true, amount: 12.5, note: 'ok', level: 'high' });
  assert.deepEqual(missing, []);
});

test('an empty required field is missing, an empty optional one left out', () => {
  const { output, missing } = formOutput([
    { name: 'amount', type: 'number', value: '', required: true },
    { name: 'note', type: 'text', value: '' },
    { name: 'approved', type: 'boolean', value: false },
  ]);
  assert.deepEqual(output, { approved: false });
  assert.deepEqual(missing, ['amount']);
});

test('countdowns read as the server writes them', () => {
  assert.equal(spanText(42_000), '42 s');
  assert.equal(spanText(252_000), '4 min 12 s');
  assert.equal(spanText(3_660_000), '1 h 1 min');
  assert.equal(spanText(90_000_000), '1 d 1 h');
  assert.equal(timeLeft(1000, 2000), 'passed');
  assert.equal(timeLeft(62_000, 0), '1 min 2 s left');
});
