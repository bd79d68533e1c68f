// The designer's inspector for JSONata states: a JSONata machine's Task offers Arguments,
// Output and Assign (no Parameters or ResultPath), its catchers Output and Assign, and a field
// takes a {% ... %} expression as it is written. Each step checks the document the designer
// would export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useStudio, screenshotDir } from './harness.js';
import { changed, designAt as openDesigner, documentText, editField, inspect, reveal } from './designer-page.js';

const machine = `{
  "QueryLanguage": "JSONata",
  "StartAt": "Call",
  "States": {
    "Call": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Arguments": {
        "FunctionName": "greet",
        "Payload": "{% $states.input %}"
      },
      "Next": "Done"
    },
    "Done": {
      "Type": "Succeed"
    }
  }
}
`;

const studio = useStudio();
const designAt = (...args) => openDesigner(studio, ...args);

const doc = async (page) => JSON.parse(await documentText(page));
const editorText = (page) => page.evaluate(() => document.getElementById('designer').designer.editor.state.doc.toString());
const testIds = (page, prefix) => page.locator(`.inspector [data-testid^="${prefix}"]`).evaluateAll((els) => els.map((e) => e.dataset.testid));

test('the inspector edits a JSONata Task with JSONata fields', async () => {
  const { context, page, errors } = await designAt('ata', machine, 'Call');

  assert.equal(await page.getByTestId('query-language-name').textContent(), 'JSONata');
  assert.equal(await page.getByTestId('query-language-origin').textContent(), 'inherited from the state machine, whose states are all JSONata');
  assert.equal(await page.getByTestId('convert-language').count(), 0, 'a JSONata machine holds no JSONPath state');
  assert.deepEqual(await testIds(page, 'field-'), ['field-name', 'field-Comment', 'field-Resource', 'field-Next',
    'field-TimeoutSeconds', 'field-HeartbeatSeconds', 'field-Arguments', 'field-Output', 'field-Assign']);
  assert.deepEqual(await page.locator('.inspector legend').allTextContents(),
    ['Configuration', 'Arguments and output', 'Variables', 'Retry', 'Catch', 'State JSON', 'Test state', 'Breakpoint']);
  await page.screenshot({ path: join(screenshotDir, 'designer-jsonata-task.png') });

  // Output takes an expression as it is written; the ASL JSON holds it as a string.
  await editField(page, 'Output', '{% $states.result.Payload %}');
  assert.equal((await doc(page)).States.Call.Output, '{% $states.result.Payload %}');
  assert.match(await editorText(page), /"Output": "\{% \$states\.result\.Payload %\}"/);
  assert.equal(await page.getByTestId('field-Output').inputValue(), '{% $states.result.Payload %}', 'the field shows the expression, not its JSON string');

  // A one-line field takes an expression or a number.
  await editField(page, 'TimeoutSeconds', '{% $states.input.timeout %}');
  assert.equal((await doc(page)).States.Call.TimeoutSeconds, '{% $states.input.timeout %}');
  assert.equal(await page.getByTestId('field-TimeoutSeconds').inputValue(), '{% $states.input.timeout %}');
  await editField(page, 'TimeoutSeconds', '30');
  assert.equal((await doc(page)).States.Call.TimeoutSeconds, 30);
  await editField(page, 'Assign', '{"greeting": "{% $states.result.Payload.text %}"}');
  assert.deepEqual((await doc(page)).States.Call.Assign, { greeting: '{% $states.result.Payload.text %}' });

  // Neither JSON nor an expression: refused, saying how to write an expression.
  const kept = await documentText(page);
  await reveal(page, 'field-Output');
  await page.getByTestId('field-Output').fill('$states.result');
  await page.getByTestId('field-Output').blur();
  await page.getByTestId('designer-error').waitFor();
  assert.match(await page.getByTestId('designer-error').textContent(), /^Output: not valid JSON .*\{% \.\.\. %\}/);
  assert.equal(await documentText(page), kept);

  // A catcher of a JSONata state has Output and Assign, no ResultPath.
  const beforeCatch = await documentText(page);
  await reveal(page, 'add-catch');
  await page.getByTestId('add-catch').click();
  await changed(page, beforeCatch);
  await page.getByTestId('field-Catch-0-Output').waitFor();
  assert.deepEqual(await testIds(page, 'field-Catch-0-'), ['field-Catch-0-ErrorEquals', 'field-Catch-0-Output', 'field-Catch-0-Assign']);
  assert.match(await page.getByTestId('catch-help').textContent(), /\$states\.errorOutput/);
  await editField(page, 'Catch-0-Output', '{% $states.errorOutput.Cause %}');
  assert.deepEqual((await doc(page)).States.Call.Catch, [{ ErrorEquals: ['States.ALL'], Next: 'Done', Output: '{% $states.errorOutput.Cause %}' }]);

  // A refused edit says why in the banner and marks the field it is about.
  await reveal(page, 'state-json');
  const json = JSON.parse(await page.getByTestId('state-json').inputValue());
  await page.getByTestId('state-json').fill(JSON.stringify({ ...json, Next: 'Nowhere' }, null, 2));
  await page.getByTestId('apply-state-json').click();
  await page.getByTestId('designer-error').filter({ hasText: 'Nowhere' }).waitFor();
  assert.match(await page.getByTestId('designer-error').textContent(), /^"Call" Next: no state named "Nowhere"/);
  await page.locator('[data-testid="field-Next"][aria-invalid="true"]').waitFor();
  assert.deepEqual((await doc(page)).States.Call.Next, 'Done');

  await page.screenshot({ path: join(screenshotDir, 'designer-jsonata-catch.png') });
  await page.getByTestId('inspector-panel').screenshot({ path: join(screenshotDir, 'designer-inspector-jsonata.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

const pathMachine = `{
  "StartAt": "Shape",
  "States": {
    "Shape": {
      "Type": "Pass",
      "Parameters": {
        "a.$": "$.a"
      },
      "Next": "Pick"
    },
    "Pick": {
      "Type": "Pass",
      "Parameters": {
        "big.$": "$.items[?(@.size > 10)]"
      },
      "End": true
    }
  }
}
`;

test('convert a JSONPath state to JSONata and back, undo, and a refused conversion', async () => {
  const { context, page, errors } = await designAt('paths', pathMachine, 'Shape');
  assert.equal(await page.getByTestId('query-language-name').textContent(), 'JSONPath');
  assert.equal(await page.getByTestId('query-language-origin').textContent(), 'the default: the state machine names none');
  const original = await documentText(page);

  // To JSONata: Parameters becomes Output, the path an expression; the form follows.
  await page.getByTestId('convert-language').click();
  await changed(page, original);
  await reveal(page, 'field-Output');
  await page.getByTestId('field-Output').waitFor();
  assert.deepEqual((await doc(page)).States.Shape, { Type: 'Pass', QueryLanguage: 'JSONata', Output: { a: '{% $states.input.a %}' }, Next: 'Pick' });
  assert.equal(await page.getByTestId('query-language-name').textContent(), 'JSONata');
  assert.equal(await page.getByTestId('query-language-origin').textContent(), 'set on this state');
  assert.equal(await page.getByTestId('field-Parameters').count(), 0);
  assert.equal(await page.getByTestId('convert-language').textContent(), 'Convert to JSONPath');
  await page.getByTestId('inspector-panel').screenshot({ path: join(screenshotDir, 'designer-inspector-converted.png') });
  const converted = await documentText(page);

  // And back to JSONPath: the state is as it was.
  await page.getByTestId('convert-language').click();
  await changed(page, converted);
  assert.deepEqual(JSON.parse(await documentText(page)), JSON.parse(original));
  assert.equal(await page.getByTestId('query-language-name').textContent(), 'JSONPath');

  // Undo walks back through both conversions.
  const back = await documentText(page);
  await page.getByTestId('undo').click();
  await changed(page, back);
  assert.equal(await documentText(page), converted);
  await page.getByTestId('query-language-name').filter({ hasText: 'JSONata' }).waitFor();
  await page.getByTestId('undo').click();
  await changed(page, converted);
  assert.equal(await documentText(page), original);
  await page.getByTestId('redo').click();
  await changed(page, original);
  assert.equal(await documentText(page), converted);

  // A filter does not convert: refused, with the field marked and the document kept.
  await inspect(page, 'Pick');
  await page.getByTestId('convert-language').click();
  await page.getByTestId('designer-error').waitFor();
  assert.match(await page.getByTestId('designer-error').textContent(), /^"Pick" Parameters\/big\.\$: .*filter/);
  await page.locator('[data-testid="field-Parameters"][aria-invalid="true"]').waitFor();
  assert.equal(await documentText(page), converted);
  assert.equal(await page.getByTestId('query-language-name').textContent(), 'JSONPath');

  assert.deepEqual(errors, []);
  await context.close();
});
