// Unit tests of designer-names.js: state names to the graph's node ids and back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeIdOf, nameOfId, unescapeName } from './designer-names.js';

// The ids designer.NodeID (Go) gives these names: the page must agree with it.
const cases = [
  ['Approve', 'state-Approve'],
  ['two-words', 'state-two-words'],
  ['snake_case', 'state-snake__case'],
  ['with space', 'state-with_20_space'],
  ['Wait 5s.', 'state-Wait_20_5s_2e_'],
  ['Prüfen', 'state-Prüfen'],
  ['承認', 'state-承認'],
  ['a_20_b', 'state-a__20__b'],
  ['quote"s', 'state-quote_22_s'],
  ['emoji 🚀', 'state-emoji_20__1f680_'],
  // Go's unicode.IsDigit is decimal digits only: a superscript two is escaped, an Arabic-Indic three is not.
  ['x² ٣', 'state-x_b2__20_٣'],
];

test('nodeIdOf escapes as designer.NodeID does', () => {
  for (const [name, id] of cases) assert.equal(nodeIdOf(name), id, name);
});

test('nameOfId gives back the name of every id', () => {
  for (const [name, id] of cases) assert.equal(nameOfId(id), name, id);
});

test('unescapeName reads "__" as "_" before hex escapes', () => {
  // "a__20__b" is "a_20_b", not "a" then the code point 0x20.
  assert.equal(unescapeName('a__20__b'), 'a_20_b');
  assert.equal(unescapeName('a_20_b'), 'a b');
  assert.equal(unescapeName('plain'), 'plain');
});
