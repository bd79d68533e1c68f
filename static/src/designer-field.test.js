// Unit tests of designer-field.js: an inspector field's text to a SetField value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldValue, fieldSelectors } from './designer-field.js';

test('each kind reads its text', () => {
  const cases = [
    ['string', 'Fetch it', { value: 'Fetch it' }],
    ['string', '  ', { delete: true }],
    ['list', 'States.ALL, , Lambda.Unknown', { value: ['States.ALL', 'Lambda.Unknown'] }],
    ['json', '{"a": 1}', { value: { a: 1 } }],
    ['json', 'null', { value: null }],
    ['jsonata', '{% $states.result.Payload %}', { value: '{% $states.result.Payload %}' }],
    ['jsonata', '  {% $states.input.n + 1 %}\n', { value: '{% $states.input.n + 1 %}' }],
    ['jsonata', '5', { value: 5 }],
    ['jsonata', '"5"', { value: '5' }],
    ['jsonata', '{"total": "{% $sum($states.input.items) %}"}', { value: { total: '{% $sum($states.input.items) %}' } }],
    ['jsonata', '', { delete: true }],
    ['text', '', { value: '' }],
    ['text', ' bulk ', { value: ' bulk ' }],
    ['number', '10', { value: 10 }],
    ['number', ' -2.5e3 ', { value: -2500 }],
    ['number', 'ten', { value: 'ten' }],
    ['number', '', { value: '' }],
    ['condition', '{% $states.input.n > 1 %}', { value: '{% $states.input.n > 1 %}' }],
    ['condition', 'false', { value: false }],
    ['condition', 'n > 1', { value: 'n > 1' }],
  ];
  for (const [kind, text, want] of cases) assert.deepEqual(fieldValue(kind, text), want, `${kind} ${JSON.stringify(text)}`);
});

test('text that is neither JSON nor an expression is refused', () => {
  assert.match(fieldValue('jsonata', '$states.input').error, /^not valid JSON .*\{% \.\.\. %\}\.$/);
  assert.match(fieldValue('jsonata', '{% unfinished').error, /^not valid JSON/);
  assert.match(fieldValue('json', 'abc').error, /^not valid JSON .*Strings need quotes\.$/);
});

test('a refused field is looked for from its own input out to the field that holds it', () => {
  assert.deepEqual(fieldSelectors('Catch/0/Next'), ['[data-path="[\\"Catch\\",0,\\"Next\\"]"]', '[data-path="[\\"Catch\\",0]"]', '[data-field="Catch"]']);
  assert.deepEqual(fieldSelectors('Parameters/a~1b.$'), ['[data-path="[\\"Parameters\\",\\"a/b.$\\"]"]', '[data-field="Parameters"]']);
  assert.deepEqual(fieldSelectors('ResultPath'), ['[data-field="ResultPath"]']);
  assert.deepEqual(fieldSelectors(''), []);
});
