import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waited, dueIn, dueClass, listPlan } from './inbox-time.js';

test('waiting times read as the server writes them', () => {
  assert.equal(waited(3000), 'just now');
  assert.equal(waited(42000), '42 s');
  assert.equal(waited(3 * 60000 + 5000), '3 min');
  assert.equal(waited((2 * 60 + 5) * 60000), '2 h 5 min');
  assert.equal(waited((50 * 60) * 60000), '2 d 2 h');
});

test('deadlines count down in minutes and seconds, then say overdue', () => {
  assert.equal(dueIn(119000), 'due in 1:59');
  assert.equal(dueIn(1400), 'due in 0:01');
  assert.equal(dueIn(0), 'overdue');
  assert.equal(dueIn(-5000), 'overdue');
  assert.equal(dueIn((3 * 3600 + 4 * 60) * 1000), 'due in 3 h 4 min');
  assert.equal(dueClass(60000), 'due soon');
  assert.equal(dueClass(3600000), 'due');
  assert.equal(dueClass(-1), 'due overdue');
});

test('a list message keeps unchanged rows, takes new ones and drops the rest', () => {
  const plan = listPlan(['1', '2', '3'], ['3', '4', '1'], new Set(['4']));
  assert.deepEqual(plan.steps.map((s) => s.from), ['page', 'message', 'page']);
  assert.deepEqual(plan.removed, ['2']);
  assert.deepEqual(plan.missing, []);
});

test('a row neither shown nor sent is missing', () => {
  assert.deepEqual(listPlan([], ['7'], new Set()).missing, ['7']);
});
