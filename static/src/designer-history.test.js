// Unit tests of designer-history.js: the undo history the designer keeps beside its draft.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as h from './designer-history.js';

// walk is a history after pushing each document in turn.
function walk(docs, limits) {
  const hist = h.createHistory(docs[0], limits);
  for (const d of docs.slice(1)) h.push(hist, d);
  return hist;
}

test('a new history has one document and nothing to undo or redo', () => {
  const hist = h.createHistory('A');
  assert.equal(h.current(hist), 'A');
  assert.equal(h.canUndo(hist), false);
  assert.equal(h.canRedo(hist), false);
  assert.equal(h.undo(hist), false);
  assert.equal(h.redo(hist), false);
  assert.equal(h.current(hist), 'A');
});

test('undo and redo walk the pushed documents', () => {
  const hist = walk(['A', 'B', 'C']);
  assert.equal(h.current(hist), 'C');
  assert.equal(h.undo(hist), true);
  assert.equal(h.current(hist), 'B');
  assert.equal(h.undo(hist), true);
  assert.equal(h.current(hist), 'A');
  assert.equal(h.undo(hist), false, 'the first document is as far back as it goes');
  assert.equal(h.redo(hist), true);
  assert.equal(h.redo(hist), true);
  assert.equal(h.current(hist), 'C');
  assert.equal(h.redo(hist), false);
});

test('pushing the current document again is no step', () => {
  const hist = walk(['A', 'B']);
  const stamp = hist.stamp;
  assert.equal(h.push(hist, 'B'), false);
  assert.deepEqual(hist.docs, ['A', 'B']);
  assert.equal(hist.stamp, stamp, 'nothing new to store');
});

test('a push after undo drops the redo tail', () => {
  const hist = walk(['A', 'B', 'C', 'D']);
  h.undo(hist);
  h.undo(hist);
  h.push(hist, 'X');
  assert.deepEqual(hist.docs, ['A', 'B', 'X']);
  assert.equal(h.current(hist), 'X');
  assert.equal(h.canRedo(hist), false);
});

test('every change moves the stamp, so the page knows when to store', () => {
  const hist = h.createHistory('A');
  const stamps = [hist.stamp];
  h.push(hist, 'B');
  stamps.push(hist.stamp);
  h.undo(hist);
  stamps.push(hist.stamp);
  h.redo(hist);
  stamps.push(hist.stamp);
  assert.equal(new Set(stamps).size, 4);
});

test('past the entry limit the oldest documents go first', () => {
  const hist = walk(['A', 'B', 'C', 'D', 'E'], { maxEntries: 3 });
  assert.deepEqual(hist.docs, ['C', 'D', 'E']);
  assert.equal(h.current(hist), 'E');
  h.undo(hist);
  h.undo(hist);
  assert.equal(h.current(hist), 'C');
  assert.equal(h.canUndo(hist), false);
});

test('past the size limit the oldest documents go first, never the current one', () => {
  const hist = walk(['a'.repeat(4), 'b'.repeat(4), 'c'.repeat(4)], { maxChars: 9 });
  assert.deepEqual(hist.docs, ['bbbb', 'cccc']);
  h.push(hist, 'd'.repeat(20));
  assert.deepEqual(hist.docs, ['d'.repeat(20)], 'a document larger than the limit is kept alone');
  assert.equal(h.canUndo(hist), false);
});

test('the default limits hold 100 entries', () => {
  const hist = h.createHistory('0');
  for (let i = 1; i <= 150; i++) h.push(hist, String(i));
  assert.equal(hist.docs.length, h.maxEntries);
  assert.equal(hist.docs[0], '51');
  assert.equal(h.current(hist), '150');
});

test('serialise and restore keep the documents and the position', () => {
  const hist = walk(['A', 'B', 'C']);
  h.undo(hist);
  const back = h.restore(h.serialise(hist));
  assert.deepEqual(back.docs, ['A', 'B', 'C']);
  assert.equal(h.current(back), 'B');
  assert.equal(h.undo(back), true);
  assert.equal(h.current(back), 'A');
  h.redo(back);
  h.redo(back);
  assert.equal(h.current(back), 'C');
});

test('serialise can leave out the oldest entries, never the current one', () => {
  const hist = walk(['A', 'B', 'C', 'D']);
  h.undo(hist); // at C
  const back = h.restore(h.serialise(hist, 2));
  assert.deepEqual(back.docs, ['C', 'D']);
  assert.equal(h.current(back), 'C');
  assert.equal(h.serialise(hist, 3), null, 'skipping 3 would lose the current document');
});

test('restore applies the limits to what was stored', () => {
  const text = h.serialise(walk(['A', 'B', 'C', 'D']));
  const back = h.restore(text, { maxEntries: 2 });
  assert.deepEqual(back.docs, ['C', 'D']);
  assert.equal(h.current(back), 'D');
});

test('restore drops a long redo tail last, after the undo steps', () => {
  const hist = walk(['A', 'B', 'C', 'D', 'E']);
  h.undo(hist);
  h.undo(hist);
  h.undo(hist); // at B
  const back = h.restore(h.serialise(hist), { maxEntries: 2 });
  assert.deepEqual(back.docs, ['B', 'C']);
  assert.equal(h.current(back), 'B');
});

test('restore refuses what serialise did not write', () => {
  const bad = {
    empty: '',
    null: null,
    'not JSON': '{"v":1,"at":0,"docs":["A"',
    'JSON null': 'null',
    'a string': '"A"',
    'another format': JSON.stringify({ v: 2, at: 0, docs: ['A'] }),
    'no documents': JSON.stringify({ v: 1, at: 0, docs: [] }),
    'docs not a list': JSON.stringify({ v: 1, at: 0, docs: 'A' }),
    'a document not text': JSON.stringify({ v: 1, at: 0, docs: ['A', { States: {} }] }),
    'position past the end': JSON.stringify({ v: 1, at: 1, docs: ['A'] }),
    'negative position': JSON.stringify({ v: 1, at: -1, docs: ['A'] }),
    'fractional position': JSON.stringify({ v: 1, at: 0.5, docs: ['A', 'B'] }),
    'no position': JSON.stringify({ v: 1, docs: ['A'] }),
  };
  for (const [name, text] of Object.entries(bad)) assert.equal(h.restore(text), null, name);
});
