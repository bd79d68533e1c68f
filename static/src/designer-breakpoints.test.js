import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toggled, changed, renamed, kept } from './designer-breakpoints.js';

const list = [{ state: 'A', enabled: true }, { state: 'B', enabled: false, condition: '$.n > 1', hitCount: 2 }];

test('toggled adds an enabled breakpoint, or removes the one there is', () => {
  assert.deepEqual(toggled(list, 'C'), [...list, { state: 'C', enabled: true }]);
  assert.deepEqual(toggled(list, 'A'), [list[1]]);
  assert.equal(list.length, 2, 'the list given is left alone');
});

test('changed sets fields, making an enabled breakpoint where there is none', () => {
  assert.deepEqual(changed(list, 'B', { enabled: true }), [list[0], { ...list[1], enabled: true }]);
  assert.deepEqual(changed(list, 'C', { condition: '$.x == 1' }), [...list, { state: 'C', enabled: true, condition: '$.x == 1' }]);
});

test('renamed moves a breakpoint to the new name; kept drops those of missing states', () => {
  assert.deepEqual(renamed(list, 'B', 'Bee').map((b) => b.state), ['A', 'Bee']);
  assert.deepEqual(renamed(list, 'Z', 'Y'), list);
  assert.deepEqual(kept(list, ['B', 'C']), [list[1]]);
  assert.deepEqual(kept(list, []), []);
});
