import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commentOf, noteEdit } from './designer-note.js';

const doc = JSON.stringify({
  StartAt: 'A',
  States: {
    A: { Type: 'Pass', Comment: 'top', Next: 'P' },
    P: {
      Type: 'Parallel',
      Branches: [{ StartAt: 'B', States: { B: { Type: 'Pass', Comment: 'in a branch', End: true } } }],
      End: true,
    },
    M: { Type: 'Map', ItemProcessor: { StartAt: 'C', States: { C: { Type: 'Pass', Comment: 7, End: true } } }, End: true },
  },
});

test('commentOf finds the Comment of a state, nested ones too', () => {
  assert.equal(commentOf(doc, 'A'), 'top');
  assert.equal(commentOf(doc, 'B'), 'in a branch');
  assert.equal(commentOf(doc, 'P'), '');
  assert.equal(commentOf(doc, 'C'), '', 'a Comment that is not a string');
  assert.equal(commentOf(doc, 'Nope'), '');
  assert.equal(commentOf('{not json', 'A'), '');
});

test('noteEdit sets, deletes or leaves the Comment', () => {
  assert.deepEqual(noteEdit('A', '', ' Hello \n'), { op: 'SetField', state: 'A', field: ['Comment'], value: 'Hello' });
  assert.deepEqual(noteEdit('A', 'old', '  '), { op: 'SetField', state: 'A', field: ['Comment'], delete: true });
  assert.equal(noteEdit('A', 'same', 'same'), null);
  assert.equal(noteEdit('A', '', ''), null);
});
