// Unit tests of designer-view.js's pure parts: Fit's zoom and the find box's match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitZoom, findName, minFit } from './designer-view.js';

test('Fit shows a graph that fits readably whole, never above natural size', () => {
  assert.equal(fitZoom(400, 900, 800, 600), 1);
  assert.equal(fitZoom(1200, 300, 800, 600), 800 / 1200);
});

test('Fit of a long left-right chain fits its height and scrolls along it', () => {
  // 150 states side by side: 150 × 170 px wide, one node high.
  assert.equal(fitZoom(25500, 90, 800, 600), 1);
  // Wide and tall both: the height fits, at least minFit.
  assert.equal(fitZoom(25500, 2000, 800, 600), minFit);
  assert.equal(fitZoom(25500, 900, 800, 600), 600 / 900);
});

test('Fit of a graph too wide even top-down keeps minFit', () => {
  assert.equal(fitZoom(4000, 9000, 800, 600), minFit);
});

test('findName prefers the exact name, else the first containing the text', () => {
  const names = ['Approve order', 'Approve', 'Ship'];
  assert.equal(findName(names, ' approve '), 'Approve');
  assert.equal(findName(names, 'ord'), 'Approve order');
  assert.equal(findName(names, 'nothing'), '');
  assert.equal(findName(names, '  '), '');
});
