import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDelta, formatMillis, latestVisit, pageOf, scopeLabel, statusLabel, viewOf, visitsIn } from './execution-fold.js';

function model() {
  return {
    nodes: { '': { 'state-M': { status: 'running', count: 1 }, 'state-P': { status: 'running', count: 2 } } },
    edges: { '': ['edge-start', 'edge-M-branch-0'] },
    scopes: [{ key: '/M#0', label: 'M #0', node: 'state-M', members: { nodes: ['state-P', 'state-Q'], edges: ['edge-M-branch-0', 'edge-P-next-0'] } }],
    visits: [{ id: 2, node: 'state-M', scope: '' }, { id: 5, node: 'state-P', scope: '/M#0' }, { id: 9, node: 'state-P', scope: '/M#1' }],
  };
}

test('applyDelta sets nodes per scope, adds edges and scopes once, replaces visits by id', () => {
  const m = model();
  const delta = {
    nodes: [{ scope: '/M#0', node: 'state-P', status: 'succeeded', count: 1 }],
    edges: [{ scope: '/M#0', edge: 'edge-P-next-0' }, { scope: '', edge: 'edge-start' }],
    scope: { key: '/M#1', label: 'M #1', node: 'state-M', members: { nodes: [], edges: [] } },
    visits: [{ id: 5, node: 'state-P', scope: '/M#0', status: 'succeeded' }],
  };
  applyDelta(m, delta);
  applyDelta(m, delta);
  assert.deepEqual(m.nodes['/M#0'], { 'state-P': { status: 'succeeded', count: 1 } });
  assert.deepEqual(m.edges[''], ['edge-start', 'edge-M-branch-0']);
  assert.deepEqual(m.edges['/M#0'], ['edge-P-next-0']);
  assert.equal(m.scopes.length, 2);
  assert.equal(m.visits.length, 3);
  assert.equal(m.visits[1].status, 'succeeded');
});

test('viewOf a scope shows its members as the scope saw them and the rest as the execution', () => {
  const m = applyDelta(model(), { nodes: [{ scope: '/M#0', node: 'state-P', status: 'succeeded', count: 1 }], edges: [{ scope: '/M#0', edge: 'edge-P-next-0' }] });
  const whole = viewOf(m, '');
  assert.equal(whole.node('state-P').status, 'running');
  assert.equal(whole.node('state-Q').status, 'notrun');
  const it = viewOf(m, '/M#0');
  assert.deepEqual(it.node('state-P'), { status: 'succeeded', count: 1 });
  assert.equal(it.node('state-Q').status, 'notrun');
  assert.equal(it.node('state-M').status, 'running');
  assert.ok(it.taken.has('edge-P-next-0'));
  assert.ok(it.taken.has('edge-start'));
  assert.ok(!it.taken.has('edge-M-branch-0'), 'the branch edge counts only where the scope followed it');
});

test('visitsIn and latestVisit keep to the scope and the scopes inside it', () => {
  const m = model();
  assert.deepEqual(visitsIn(m, '/M#0').map((v) => v.id), [5]);
  assert.equal(visitsIn(m, '').length, 3);
  assert.equal(latestVisit(m, 'state-P', '').id, 9);
  assert.equal(latestVisit(m, 'state-P', '/M#0').id, 5);
  assert.equal(latestVisit(m, 'state-X', ''), undefined);
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

test('pageOf filters by type or state and clamps the page', () => {
  const rows = Array.from({ length: 60 }, (_, i) => ({ type: i % 2 ? 'TaskStateEntered' : 'PassStateExited', state: `S${i}` }));
  assert.deepEqual([pageOf(rows, '', 1).rows.length, pageOf(rows, '', 1).pages], [25, 3]);
  assert.equal(pageOf(rows, '', 9).page, 3);
  assert.equal(pageOf(rows, '', 3).rows.length, 10);
  assert.equal(pageOf(rows, 'task', 1).total, 30);
  assert.equal(pageOf(rows, 's59', 1).rows[0].state, 'S59');
});
