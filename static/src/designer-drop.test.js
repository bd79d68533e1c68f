// Unit tests of designer-drop.js's pure part: which drop zones would leave a moved state
// where it is (the canvas work needs a browser; the e2e tests drag there).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ownZone } from './designer-drop.js';

test('ownZone skips the zones of the moved state itself', () => {
  const own = ownZone('Fetch');
  assert.equal(own({ edge: { from: 'Fetch', kind: 'next' } }), true, 'its own arrow out');
  assert.equal(own({ after: 'Fetch' }), true, 'right after itself');
  assert.equal(own({ newBranch: 'Fetch' }), true, 'a new branch of itself');
  assert.equal(own({ edge: { from: 'Check', kind: 'next' } }), false);
  assert.equal(own({ after: 'Check' }), false);
  assert.equal(own({ start: { parent: 'Fan' } }), false);
});
