import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comparePick, addPick } from './compare-pick.js';

test('two of one machine compare, older on the left', () => {
  const r = comparePick([{ id: '9', machine: 'M' }, { id: '10', machine: 'M' }]);
  assert.equal(r.enabled, true);
  assert.equal(r.url, '/executions/compare?a=9&b=10');
});

test('fewer than two, or two machines, cannot compare and say why', () => {
  assert.equal(comparePick([]).enabled, false);
  assert.match(comparePick([{ id: '1', machine: 'M' }]).hint, /one more/);
  const r = comparePick([{ id: '1', machine: 'M' }, { id: '2', machine: 'N' }]);
  assert.equal(r.enabled, false);
  assert.match(r.hint, /different state machines \(M, N\)/);
});

test('a third tick lets the first go', () => {
  let picks = [];
  for (const id of ['1', '2', '3']) picks = addPick(picks, { id, machine: 'M' });
  assert.deepEqual(picks.map((p) => p.id), ['2', '3']);
});
