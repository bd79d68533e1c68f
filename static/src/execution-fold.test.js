import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMessage, formatMillis, scopeLabel, sortScopes, statusLabel, viewOf } from './execution-fold.js';

function model() {
  return {
    last: 10,
    nodes: { 'state-M': { status: 'running', count: 1, visit: 2 }, 'state-P': { status: 'running', count: 2, visit: 9 } },
    edges: ['edge-start', 'edge-M-branch-0'],
    scopes: [{ key: '/M#0', label: 'M #0', node: 'state-M' }],
    visits: 3,
  };
}

function scopeView() {
  return {
    key: '/M#0', last: 10,
    nodes: { 'state-P': { status: 'running', count: 1, visit: 5 } },
    edges: [],
    members: { nodes: ['state-P', 'state-Q'], edges: ['edge-M-branch-0', 'edge-P-next-0'] },
  };
}

test('applyMessage sets the whole execution and the picked scope, adds edges and scopes once', () => {
  const m = model();
  const view = scopeView();
  const msg = {
    id: 11, visits: 4,
    delta: {
      nodes: [{ scope: '/M#0', node: 'state-P', status: 'succeeded', count: 1, visit: 5 }, { scope: '/M#1', node: 'state-P', status: 'running', count: 1, visit: 11 },
        { scope: '', node: 'state-P', status: 'running', count: 3, visit: 11 }],
      edges: [{ scope: '/M#0', edge: 'edge-P-next-0' }, { scope: '', edge: 'edge-start' }],
      scope: { key: '/M#1', label: 'M #1', node: 'state-M' },
    },
  };
  applyMessage(m, view, msg);
  applyMessage(m, view, msg);
  assert.deepEqual(view.nodes, { 'state-P': { status: 'succeeded', count: 1, visit: 5 } });
  assert.deepEqual(view.edges, ['edge-P-next-0']);
  assert.deepEqual(m.nodes['state-P'], { status: 'running', count: 3, visit: 11 });
  assert.deepEqual(m.edges, ['edge-start', 'edge-M-branch-0']);
  assert.equal(m.scopes.length, 2);
  assert.equal(m.visits, 4);
  assert.equal(m.last, 11);
});

test('a scope view read after an event is not changed by that event', () => {
  const view = { ...scopeView(), last: 12 };
  applyMessage(model(), view, { id: 11, delta: { nodes: [{ scope: '/M#0', node: 'state-P', status: 'failed', count: 1 }] } });
  assert.equal(view.nodes['state-P'].status, 'running');
});

test('viewOf a scope shows its members as the scope saw them and the rest as the execution', () => {
  const m = model();
  const view = scopeView();
  applyMessage(m, view, { id: 11, delta: { nodes: [{ scope: '/M#0', node: 'state-P', status: 'succeeded', count: 1, visit: 5 }], edges: [{ scope: '/M#0', edge: 'edge-P-next-0' }] } });
  const whole = viewOf(m, null);
  assert.equal(whole.node('state-P').status, 'running');
  assert.equal(whole.node('state-P').visit, 9, 'the last visit anywhere');
  assert.equal(whole.node('state-Q').status, 'notrun');
  const it = viewOf(m, view);
  assert.deepEqual(it.node('state-P'), { status: 'succeeded', count: 1, visit: 5 });
  assert.equal(it.node('state-Q').status, 'notrun');
  assert.equal(it.node('state-M').status, 'running');
  assert.ok(it.taken.has('edge-P-next-0'));
  assert.ok(it.taken.has('edge-start'));
  assert.ok(!it.taken.has('edge-M-branch-0'), 'the branch edge counts only where the scope followed it');
});

test('labels and durations read as the server writes them', () => {
  assert.equal(statusLabel('caught'), '⚠ caught error');
  assert.equal(statusLabel('whatever'), '○ not run');
  assert.equal(scopeLabel('/Map#3/Inner~1'), 'Map #3 › Inner branch 2');
  assert.equal(formatMillis(350), '350 ms');
  assert.equal(formatMillis(2500), '2.5 s');
  assert.equal(formatMillis(2000), '2.0 s');
  assert.equal(formatMillis(200000), '3 min 20 s');
});

test('sortScopes orders branches and iterations by number, containers where they first appeared', () => {
  const keys = ['/Par~1', '/Par~0', '/Map#10', '/Map#9', '/Map#10/In~1', '/Map#10/In~0', '/Map#2', '/Early#0'];
  const got = sortScopes(keys.map((key) => ({ key }))).map((s) => s.key);
  assert.deepEqual(got, ['/Par~0', '/Par~1', '/Map#2', '/Map#9', '/Map#10', '/Map#10/In~0', '/Map#10/In~1', '/Early#0']);
});
