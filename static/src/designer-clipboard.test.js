// Unit tests of designer-clipboard.js's text: what Copy puts on the clipboard, what Paste says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fragmentOf, pasteNotice } from './designer-clipboard.js';

const doc = `{
  "StartAt": "Fetch",
  "States": {
    "Fetch": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "TimeoutSeconds": 1.50,
      "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}], "Next": "Route"},
    "Route": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericEquals": 12345678901234567890, "Next": "Both"}], "Default": "Done"},
    "Both": {"Type": "Parallel", "Branches": [{"StartAt": "Left", "States": {"Left": {"Type": "Pass", "Next": "Inner"}, "Inner": {"Type": "Pass", "End": true}}}], "Next": "Done"},
    "Done": {"Type": "Succeed"},
    "Failed": {"Type": "Fail"},
    "Spare": {"Type": "Pass", "End": true}
  }
}`;

test('copies the states in document order, as written, with what is inside them', () => {
  const f = fragmentOf(doc, ['Both', 'Fetch', 'Inner']);
  assert.deepEqual(f.states, ['Fetch', 'Both']); // Inner comes inside Both
  assert.equal(f.text, `{
  "StartAt": "Fetch",
  "States": {
    "Fetch": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "TimeoutSeconds": 1.50,
      "Catch": [
        {
          "ErrorEquals": [
            "States.ALL"
          ],
          "Next": "Failed"
        }
      ],
      "Next": "Route"
    },
    "Both": {
      "Type": "Parallel",
      "Branches": [
        {
          "StartAt": "Left",
          "States": {
            "Left": {
              "Type": "Pass",
              "Next": "Inner"
            },
            "Inner": {
              "Type": "Pass",
              "End": true
            }
          }
        }
      ],
      "Next": "Done"
    }
  }
}
`);
});

test('copies a nested state on its own', () => {
  const f = fragmentOf(doc, ['Inner']);
  assert.deepEqual(JSON.parse(f.text), { StartAt: 'Inner', States: { Inner: { Type: 'Pass', End: true } } });
});

test('with what follows: every state reachable in its scope', () => {
  assert.deepEqual(fragmentOf(doc, ['Route'], true).states, ['Route', 'Both', 'Done']);
  assert.deepEqual(fragmentOf(doc, ['Fetch'], true).states, ['Fetch', 'Route', 'Both', 'Done', 'Failed']);
  assert.deepEqual(fragmentOf(doc, ['Left'], true).states, ['Left', 'Inner']);
  // Numbers keep their text: JSON.parse would round this one.
  assert.match(fragmentOf(doc, ['Route'], true).text, /"NumericEquals": 12345678901234567890/);
});

test('a JSONata machine\'s states go with its QueryLanguage', () => {
  const jsonata = '{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": "{% 1 %}", "End": true}}}';
  assert.deepEqual(JSON.parse(fragmentOf(jsonata, ['A']).text),
    { QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Pass', Output: '{% 1 %}', End: true } } });
});

test('nothing to copy', () => {
  assert.equal(fragmentOf(doc, ['Nope']), null);
  assert.equal(fragmentOf(doc, []), null);
  assert.equal(fragmentOf('{"StartAt": ', ['Fetch']), null);
});

test('says what was pasted and renamed', () => {
  assert.equal(pasteNotice({ states: ['Fetch copy', 'Save'], renamed: [{ from: 'Fetch', to: 'Fetch copy' }] }),
    'Pasted 2 states (renamed Fetch → Fetch copy).');
  assert.equal(pasteNotice({ states: ['Wait'], renamed: [] }), 'Pasted Wait.');
});
