// Unit tests of designer-tree.js: what the outline shows for a definition, the find box's
// names, and where Alt+Down and Alt+Up move a state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outlineTree, stateNames, later, earlier } from './designer-tree.js';

const def = {
  StartAt: 'Fetch',
  States: {
    Fetch: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Next: 'Fan' },
    Fan: {
      Type: 'Parallel',
      Next: 'Each',
      Branches: [
        { StartAt: 'Left', States: { Left: { Type: 'Pass', End: true } } },
        { StartAt: 'Right', States: { Right: { Type: 'Wait', Seconds: 1, Next: 'Right2' }, Right2: { Type: 'Succeed' } } },
      ],
    },
    Each: { Type: 'Map', Next: 'Old', ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } } },
    Old: { Type: 'Map', End: true, Iterator: { StartAt: 'Legacy', States: { Legacy: { Type: 'Pass', End: true } } } },
  },
};

// shape is the tree as names, types and nesting, to compare at a glance.
const shape = (t) => t.states.map((s) => (s.groups ? { [`${s.name} ${s.type}`]: s.groups.map(shape) } : `${s.name} ${s.type}`));

test('outlineTree nests branches and item processors in document order', () => {
  assert.deepEqual(shape(outlineTree(def)), [
    'Fetch Task',
    { 'Fan Parallel': [['Left Pass'], ['Right Wait', 'Right2 Succeed']] },
    { 'Each Map': [['Item Pass']] },
    { 'Old Map': [['Legacy Pass']] },
  ]);
});

test('outlineTree names each scope as edits do, and labels the groups', () => {
  const t = outlineTree(def);
  assert.deepEqual(t.scope, {});
  const fan = t.states[1];
  assert.deepEqual(fan.groups.map((g) => [g.scope, g.label, g.title]), [
    [{ parent: 'Fan' }, 'Branch 1 of Fan', 'Branch 1'],
    [{ parent: 'Fan', branch: 1 }, 'Branch 2 of Fan', 'Branch 2'],
  ]);
  const each = t.states[2];
  assert.deepEqual(each.groups.map((g) => [g.scope, g.label, g.title]), [[{ parent: 'Each' }, 'Item processor of Each', 'Item processor']]);
});

test('outlineTree keeps Next only when it names a state', () => {
  const t = outlineTree({ States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 3 }, C: { Type: 'Pass', End: true } } });
  assert.deepEqual(t.states.map((s) => s.next), ['B', undefined, undefined]);
});

test('outlineTree shows what it can of a definition being written', () => {
  assert.deepEqual(outlineTree(null).states, []);
  assert.deepEqual(outlineTree({}).states, []);
  assert.deepEqual(outlineTree({ States: null }).states, []);
  const t = outlineTree({
    States: {
      NoType: {},
      Empty: { Type: 'Parallel', Branches: [] },
      BadBranches: { Type: 'Parallel', Branches: 'none' },
      NoProcessor: { Type: 'Map' },
      Nothing: null,
    },
  });
  assert.deepEqual(t.states.map((s) => [s.name, s.type, s.groups && s.groups.length]), [
    ['NoType', '', null],
    ['Empty', 'Parallel', 0], // a Parallel with no branch yet is still a container
    ['BadBranches', 'Parallel', null],
    ['NoProcessor', 'Map', 1], // an empty item processor, to drop a state into
    ['Nothing', '', null],
  ]);
  assert.deepEqual(t.states[3].groups[0].states, []);
});

test('stateNames lists nested states, and null for text that is not JSON', () => {
  assert.deepEqual(stateNames(JSON.stringify(def)), ['Fetch', 'Fan', 'Left', 'Right', 'Right2', 'Each', 'Item', 'Old', 'Legacy']);
  assert.equal(stateNames('{"States": {'), null);
  assert.deepEqual(stateNames('{}'), []);
});

// A flow A -> B -> C -> D, as the outline's siblings.
const flow = [{ name: 'A', next: 'B' }, { name: 'B', next: 'C' }, { name: 'C', next: 'D' }, { name: 'D' }];

test('later moves a state past the state it leads to', () => {
  assert.deepEqual(later(flow, 'A'), { edge: { from: 'B', kind: 'next' } }, 'onto the arrow out of B');
  assert.deepEqual(later(flow, 'C'), { after: 'D' }, 'D ends the flow: after it');
  assert.equal(later(flow, 'D'), null, 'the last state goes no later');
  assert.equal(later([{ name: 'A', next: 'Elsewhere' }], 'A'), null, 'a Next out of the scope');
});

test('earlier moves a state before the state that leads to it', () => {
  assert.deepEqual(earlier(flow, 'C', {}), { edge: { from: 'A', kind: 'next' } }, 'onto the arrow into B');
  const scope = { parent: 'Fan', branch: 1 };
  assert.deepEqual(earlier(flow, 'B', scope), { start: scope }, 'nothing leads to A: the start of the scope');
  assert.equal(earlier(flow, 'A', {}), null, 'the first state goes no earlier');
});
