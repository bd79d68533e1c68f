import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatJSON } from './json-format.js';

test('formatJSON indents with two spaces and keeps numbers and strings as written', () => {
  const min = '{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"n":12345678901234567890,"s":"a\\"b:,{\\u00e9","e":[],"o":{ }},"End":true}}}';
  assert.equal(formatJSON(min), `{
  "StartAt": "A",
  "States": {
    "A": {
      "Type": "Pass",
      "Result": {
        "n": 12345678901234567890,
        "s": "a\\"b:,{\\u00e9",
        "e": [],
        "o": {}
      },
      "End": true
    }
  }
}
`);
});

test('formatJSON of formatted text changes nothing', () => {
  const once = formatJSON('[1, [2,3], {"a" : null}]');
  assert.equal(formatJSON(once), once);
});

test('formatJSON refuses invalid JSON', () => {
  assert.throws(() => formatJSON('{"a":'), SyntaxError);
});
