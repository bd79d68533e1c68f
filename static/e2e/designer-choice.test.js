// The inspector's form of a Choice state's rules, and New state… in the menus of transitions:
// build two rules from the form (a NumericGreaterThan, an And of StringEquals and IsPresent),
// reorder them, set the Default, see a bad value refused with its field marked; give a Task a
// catcher that leads to a new Fail state, and undo it; a JSONata Choice's rules are
// Conditions. Each step checks the document the designer would export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useStudio, shot, screenshotDir } from './harness.js';
import { changed, designAt as openDesigner, documentText, inspect, reveal } from './designer-page.js';
import { nodeIdOf } from '../src/designer-names.js';

const machine = `{
  "StartAt": "Fetch",
  "States": {
    "Fetch": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {
        "FunctionName": "fetch",
        "Payload.$": "$"
      },
      "Next": "Route"
    },
    "Route": {
      "Type": "Choice",
      "Choices": [
        {
          "Variable": "$.ok",
          "BooleanEquals": true,
          "Next": "Big"
        }
      ]
    },
    "Big": {
      "Type": "Pass",
      "End": true
    },
    "Small": {
      "Type": "Pass",
      "End": true
    },
    "Medium": {
      "Type": "Pass",
      "End": true
    }
  }
}
`;

const jsonataMachine = `{
  "QueryLanguage": "JSONata",
  "StartAt": "Pick",
  "States": {
    "Pick": {
      "Type": "Choice",
      "Choices": [
        {
          "Condition": "{% $states.input.n > 1 %}",
          "Next": "Many"
        }
      ],
      "Default": "One"
    },
    "Many": {
      "Type": "Succeed"
    },
    "One": {
      "Type": "Succeed"
    }
  }
}
`;

const studio = useStudio();
const designAt = (...args) => openDesigner(studio, ...args);

const doc = async (page) => JSON.parse(await documentText(page));
const editorText = (page) => page.evaluate(() => document.getElementById('designer').designer.editor.state.doc.toString());

// edit types into an input of the inspector and leaves it; pick chooses in a menu; press
// clicks a button. Each waits for the edit to come back.
async function edit(page, testId, value) {
  const before = await documentText(page);
  await page.getByTestId(testId).fill(value);
  await page.getByTestId(testId).blur();
  await changed(page, before);
}
async function pick(page, testId, option) {
  const before = await documentText(page);
  await reveal(page, testId);
  await page.getByTestId(testId).selectOption(option);
  await changed(page, before);
}
async function press(page, testId) {
  const before = await documentText(page);
  await reveal(page, testId);
  await page.getByTestId(testId).click();
  await changed(page, before);
}

test('build a Choice\'s rules with the form, reorder them, set the Default', async () => {
  const { context, page, errors } = await designAt('rules', machine, 'Route');

  // Rule 1: another operator takes a number.
  await pick(page, 'cond-0-op', 'NumericGreaterThan');
  assert.equal(await page.getByTestId('cond-0-value').inputValue(), '0');
  await edit(page, 'cond-0-Variable', '$.count');
  await edit(page, 'cond-0-value', '10');
  assert.deepEqual((await doc(page)).States.Route.Choices[0], { Variable: '$.count', NumericGreaterThan: 10, Next: 'Big' });

  // Rule 2: StringEquals, then + And adds a second test, made an IsPresent.
  await press(page, 'add-rule');
  await edit(page, 'cond-1-Variable', '$.kind');
  await edit(page, 'cond-1-value', 'bulk');
  await press(page, 'cond-1-and');
  await pick(page, 'cond-1-And-1-op', 'IsPresent');
  await edit(page, 'cond-1-And-1-Variable', '$.id');
  await pick(page, 'rule-1-Next', 'Small');
  await edit(page, 'rule-1-Comment', 'bulk orders with an id');
  assert.deepEqual((await doc(page)).States.Route.Choices[1], {
    And: [{ Variable: '$.kind', StringEquals: 'bulk' }, { Variable: '$.id', IsPresent: true }],
    Next: 'Small', Comment: 'bulk orders with an id',
  });

  // The And rule first, then the Default.
  await press(page, 'rule-1-up');
  await pick(page, 'field-Default', 'Medium');
  const route = {
    Type: 'Choice',
    Choices: [
      { And: [{ Variable: '$.kind', StringEquals: 'bulk' }, { Variable: '$.id', IsPresent: true }], Next: 'Small', Comment: 'bulk orders with an id' },
      { Variable: '$.count', NumericGreaterThan: 10, Next: 'Big' },
    ],
    Default: 'Medium',
  };
  assert.deepEqual((await doc(page)).States.Route, route);
  assert.deepEqual(JSON.parse(await editorText(page)).States.Route, route, 'the ASL JSON shows the rules');
  assert.deepEqual(JSON.parse(await page.getByTestId('field-Choices').inputValue()), route.Choices, 'the Choices JSON follows the form');
  assert.equal(await page.getByTestId('rule-0-up').isDisabled(), true);
  assert.equal(await page.getByTestId('rule-1-down').isDisabled(), true);
  assert.deepEqual(await page.getByTestId('diagnostics').locator('.diag-ERROR').allTextContents(), []);

  // A value of the wrong kind is refused, naming the rule and the field, which is marked.
  const kept = await documentText(page);
  await page.getByTestId('cond-1-value').fill('ten');
  await page.getByTestId('cond-1-value').blur();
  await page.getByTestId('designer-error').filter({ hasText: 'must be a number' }).waitFor();
  assert.equal(await page.getByTestId('designer-error').textContent(), '"Route" Choices/1/NumericGreaterThan: rule 2: NumericGreaterThan must be a number');
  await page.locator('[data-testid="cond-1-value"][aria-invalid="true"]').waitFor();
  assert.equal(await documentText(page), kept);
  await shot(page, 'designer-choice-rules.png');
  await page.getByTestId('inspector-panel').screenshot({ path: join(screenshotDir, 'designer-choice-inspector.png') });

  // Remove Not, Or and a condition: the last one left of an And takes its place.
  await press(page, 'cond-0-And-0-remove');
  assert.deepEqual((await doc(page)).States.Route.Choices[0], { Variable: '$.id', IsPresent: true, Next: 'Small', Comment: 'bulk orders with an id' });
  await press(page, 'cond-0-not');
  assert.deepEqual((await doc(page)).States.Route.Choices[0], { Not: { Variable: '$.id', IsPresent: true }, Next: 'Small', Comment: 'bulk orders with an id' });
  await press(page, 'rule-1-remove');
  assert.equal((await doc(page)).States.Route.Choices.length, 1);
  assert.equal(await page.getByTestId('rule-0-remove').isDisabled(), true, 'a Choice keeps one rule');

  assert.deepEqual(errors, []);
  await context.close();
});

test('a catcher leads to a new Fail state in one undoable edit', async () => {
  const { context, page, errors } = await designAt('catch', machine, 'Fetch');
  const original = await documentText(page);
  await press(page, 'add-catch');
  const withCatch = await documentText(page);
  assert.deepEqual((await doc(page)).States.Fetch.Catch, [{ ErrorEquals: ['States.ALL'], Next: 'Route' }]);

  // New state… asks the type and name; Cancel puts the menu back.
  await page.getByTestId('catch-0-Next').selectOption({ label: 'New state…' });
  await page.getByTestId('new-state').waitFor();
  await page.getByTestId('new-state-cancel').click();
  assert.equal(await page.getByTestId('new-state').isHidden(), true);
  assert.equal(await page.getByTestId('catch-0-Next').inputValue(), 'Route');
  assert.equal(await documentText(page), withCatch);

  await page.getByTestId('catch-0-Next').selectOption({ label: 'New state…' });
  await page.getByTestId('new-state-type').selectOption({ label: 'Fail' });
  await page.getByTestId('new-state-type').press('Delete');
  await page.evaluate(() => document.getElementById('designer').designer.idle());
  assert.equal(await documentText(page), withCatch, 'Delete in a menu deletes no state');
  await page.getByTestId('inspector-panel').screenshot({ path: join(screenshotDir, 'designer-new-state.png') });
  await press(page, 'new-state-create');
  const d = await doc(page);
  assert.deepEqual(d.States.Fetch.Catch, [{ ErrorEquals: ['States.ALL'], Next: 'Fail' }]);
  assert.deepEqual(d.States.Fail, { Type: 'Fail', Error: 'Failed', Cause: 'Something went wrong.' });
  assert.deepEqual(Object.keys(d.States), ['Fetch', 'Fail', 'Route', 'Big', 'Small', 'Medium'], 'the new state is placed beside the one it is made from');
  assert.equal(await page.getByTestId('inspector-state').textContent(), 'Fetch', 'the inspector stays on the state being edited');
  assert.equal(await page.getByTestId('catch-0-Next').inputValue(), 'Fail');
  // The graph draws the state only a catcher reaches.
  await page.locator(`.canvas [id="${nodeIdOf('Fail')}"]`).waitFor();
  assert.deepEqual(await page.getByTestId('diagnostics').locator('.diag-ERROR').allTextContents(), []);
  await shot(page, 'designer-choice-catch.png');

  // One undo takes the state and the link back; another the catcher.
  const linked = await documentText(page);
  await page.getByTestId('undo').click();
  await changed(page, linked);
  assert.equal(await documentText(page), withCatch);
  await page.locator(`.canvas [id="${nodeIdOf('Fail')}"]`).waitFor({ state: 'detached' });
  await page.getByTestId('undo').click();
  await changed(page, withCatch);
  assert.equal(await documentText(page), original);

  // A rule's Next: New state… makes a Pass with a free name by default.
  await inspect(page, 'Route');
  await page.getByTestId('rule-0-Next').selectOption({ label: 'New state…' });
  await press(page, 'new-state-create');
  assert.equal((await doc(page)).States.Route.Choices[0].Next, 'Pass');
  assert.deepEqual((await doc(page)).States.Pass, { Type: 'Pass', End: true });

  assert.deepEqual(errors, []);
  await context.close();
});

test('a JSONata Choice\'s rules are Conditions', async () => {
  const { context, page, errors } = await designAt('conditions', jsonataMachine, 'Pick');
  assert.equal(await page.getByTestId('rule-0-Condition').inputValue(), '{% $states.input.n > 1 %}');
  assert.equal(await page.getByTestId('cond-0-Variable').count(), 0, 'no JSONPath test in a JSONata rule');
  await edit(page, 'rule-0-Condition', '{% $states.input.n > 2 and $states.input.ok %}');
  await press(page, 'add-rule');
  await edit(page, 'rule-1-Condition', '{% $states.input.n = 1 %}');
  await pick(page, 'rule-1-Next', 'One');
  assert.deepEqual((await doc(page)).States.Pick.Choices, [
    { Condition: '{% $states.input.n > 2 and $states.input.ok %}', Next: 'Many' },
    { Condition: '{% $states.input.n = 1 %}', Next: 'One' },
  ]);
  assert.match(await editorText(page), /"Condition": "\{% \$states\.input\.n > 2 and \$states\.input\.ok %\}"/, 'the expression is written as typed');

  // Not an expression: refused, naming the rule, with the field marked.
  await page.getByTestId('rule-1-Condition').fill('n = 1');
  await page.getByTestId('rule-1-Condition').blur();
  await page.getByTestId('designer-error').filter({ hasText: 'Condition' }).waitFor();
  assert.match(await page.getByTestId('designer-error').textContent(), /^"Pick" Choices\/1\/Condition: rule 2: Condition must be true, false or a \{% %\} expression/);
  await page.locator('[data-testid="rule-1-Condition"][aria-invalid="true"]').waitFor();
  await page.getByTestId('inspector-panel').screenshot({ path: join(screenshotDir, 'designer-choice-jsonata.png') });

  assert.deepEqual(errors, []);
  await context.close();
});
