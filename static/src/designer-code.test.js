// Unit tests of designer-code.js, in Node: CodeMirror's state and JSON parser need no DOM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EditorState } from '@codemirror/state';
import { json } from '@codemirror/lang-json';
import { stateRange } from './designer-code.js';

const doc = `{
  "StartAt": "Fan",
  "States": {
    "Fan": {
      "Type": "Parallel",
      "Parameters": { "Left": { "Type": "not a state" } },
      "Branches": [
        { "StartAt": "Left", "States": { "Left": { "Type": "Pass", "End": true } } },
        { "StartAt": "Each", "States": { "Each": { "Type": "Map", "End": true,
          "ItemProcessor": { "StartAt": "Inner \\"q\\"", "States": { "Inner \\"q\\"": { "Type": "Pass", "End": true } } } } } }
      ],
      "End": true
    }
  }
}`;

const at = (name) => {
  const state = EditorState.create({ doc, extensions: [json()] });
  const r = stateRange(state, name);
  return r && state.sliceDoc(r.from, r.to);
};

test('finds top-level, branch and item-processor states', () => {
  assert.match(at('Fan'), /^"Fan": \{\n {6}"Type": "Parallel"/);
  assert.equal(at('Left'), '"Left": { "Type": "Pass", "End": true }');
  assert.match(at('Each'), /^"Each": \{ "Type": "Map"/);
  assert.equal(at('Inner "q"'), '"Inner \\"q\\"": { "Type": "Pass", "End": true }');
});

test('keys outside States are not states', () => {
  // "Left" also names a key inside Parameters: the state is the one in the branch.
  assert.ok(at('Left').includes('"Pass"'));
  assert.equal(at('StartAt'), null);
  assert.equal(at('Nowhere'), null);
});

test('broken JSON does not throw', () => {
  const state = EditorState.create({ doc: '{"States": {"A": {', extensions: [json()] });
  assert.doesNotThrow(() => stateRange(state, 'A'));
});
