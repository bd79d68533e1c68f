// Unit tests of designer-choice.js: the edits that reshape a Choice state's rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addCondition, addRule, changeOperator, moveRule, removeCondition, unwrap, wrap } from './designer-choice.js';

const rules = () => [
  { Variable: '$.kind', StringEquals: 'bulk', Comment: 'big', Next: 'A' },
  { And: [{ Variable: '$.n', NumericGreaterThan: 1 }, { Not: { Variable: '$.id', IsPresent: false } }], Next: 'B' },
];
const set = (field, value) => [{ op: 'SetField', state: 'C', field, value }];

test('another operator takes the old one\'s place, with its value when it takes the same kind', () => {
  assert.deepEqual(changeOperator('C', rules(), ['Choices', 0], 'StringMatches', 'text', 'text'),
    set(['Choices', 0], { Variable: '$.kind', StringMatches: 'bulk', Comment: 'big', Next: 'A' }));
  assert.deepEqual(changeOperator('C', rules(), ['Choices', 0], 'NumericEquals', 'number', 'text'),
    set(['Choices', 0], { Variable: '$.kind', NumericEquals: 0, Comment: 'big', Next: 'A' }));
  assert.deepEqual(changeOperator('C', rules(), ['Choices', 0], 'StringEqualsPath', 'path', 'text'),
    set(['Choices', 0], { Variable: '$.kind', StringEqualsPath: '$', Comment: 'big', Next: 'A' }));
  assert.deepEqual(changeOperator('C', rules(), ['Choices', 1, 'And', 0], 'IsPresent', 'boolean', 'number'),
    set(['Choices', 1, 'And', 0], { Variable: '$.n', IsPresent: true }));
});

test('a test is wrapped in Not, And or Or, keeping the rule\'s own fields', () => {
  assert.deepEqual(wrap('C', rules(), ['Choices', 0], 'Not'),
    set(['Choices', 0], { Not: { Variable: '$.kind', StringEquals: 'bulk' }, Comment: 'big', Next: 'A' }));
  assert.deepEqual(wrap('C', rules(), ['Choices', 0], 'And'),
    set(['Choices', 0], { And: [{ Variable: '$.kind', StringEquals: 'bulk' }, { Variable: '$.value', StringEquals: '' }], Comment: 'big', Next: 'A' }));
  assert.deepEqual(wrap('C', rules(), ['Choices', 1, 'And', 0], 'Or'),
    set(['Choices', 1, 'And', 0], { Or: [{ Variable: '$.n', NumericGreaterThan: 1 }, { Variable: '$.value', StringEquals: '' }] }));
  assert.deepEqual(unwrap('C', rules(), ['Choices', 1, 'And', 1]),
    set(['Choices', 1, 'And', 1], { Variable: '$.id', IsPresent: false }));
});

test('conditions are added to a group and removed from it; the last one left replaces the group', () => {
  assert.deepEqual(addCondition('C', rules(), ['Choices', 1]), set(['Choices', 1, 'And', 2], { Variable: '$.value', StringEquals: '' }));
  assert.deepEqual(removeCondition('C', rules(), ['Choices', 1, 'And', 0]),
    set(['Choices', 1], { Not: { Variable: '$.id', IsPresent: false }, Next: 'B' }));
  const three = rules();
  three[1].And.push({ Variable: '$.x', IsNull: true });
  assert.deepEqual(removeCondition('C', three, ['Choices', 1, 'And', 0]), [{ op: 'SetField', state: 'C', field: ['Choices', 1, 'And', 0], delete: true }]);
});

test('rules move up and down as one edit of Choices, and are added at the end', () => {
  const [a, b] = rules();
  assert.deepEqual(moveRule('C', rules(), 1, -1), set(['Choices'], [b, a]));
  assert.deepEqual(moveRule('C', rules(), 0, 1), set(['Choices'], [b, a]));
  assert.deepEqual(moveRule('C', rules(), 0, -1), []);
  assert.deepEqual(addRule('C', 2, 'A', false), set(['Choices', 2], { Variable: '$.value', StringEquals: '', Next: 'A' }));
  assert.deepEqual(addRule('C', 0, 'A', true), set(['Choices'], [{ Condition: '{% $states.input.value = true %}', Next: 'A' }]));
});
