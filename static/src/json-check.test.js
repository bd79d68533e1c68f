import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkJSON, lineColumn, pretty } from './json-check.js';

test('valid JSON is ok', () => {
  for (const t of ['{}', '[1, 2]', '"text"', '3', ' {"a": {"b": null}} ']) assert.deepEqual(checkJSON(t), { ok: true, message: '' });
});

test('a broken object names the line and column', () => {
  const r = checkJSON('{\n  "a": 1,\n}');
  assert.equal(r.ok, false);
  assert.equal(r.line, 3);
  assert.equal(r.column, 1);
  assert.match(r.message, /^Not valid JSON at line 3, column 1: /);
});

test('an unexpected token drops the echo of the whole text', () => {
  const r = checkJSON(`{"a": ${'x'.repeat(500)}}`);
  assert.equal(r.ok, false);
  assert.ok(r.message.length < 100, r.message);
  assert.doesNotMatch(r.message, /xxxxxxxxxx/);
});

test('an unexpected token without a position from the browser is still placed', () => {
  const r = checkJSON('{\n  "amount": }');
  assert.equal(r.line, 2);
  assert.equal(r.column, 13);
  assert.match(r.message, /^Not valid JSON at line 2, column 13: Unexpected token '}'\.$/);
});

test('empty input says what to give', () => {
  assert.match(checkJSON('  ').message, /empty/);
});

test('lineColumn counts from 1', () => {
  assert.deepEqual(lineColumn('ab\ncd', 4), { line: 2, column: 2 });
  assert.deepEqual(lineColumn('ab', 0), { line: 1, column: 1 });
});

test('pretty indents JSON and leaves other text alone', () => {
  assert.equal(pretty('{"a":1}'), '{\n  "a": 1\n}');
  assert.equal(pretty('{nope'), '{nope');
});
