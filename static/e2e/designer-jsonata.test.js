// The designer's inspector for JSONata states: a JSONata machine's Task offers Arguments,
// Output and Assign (no Parameters or ResultPath), its catchers Output and Assign, and a field
// takes a {% ... %} expression as it is written. Each step checks the document the designer
// would export.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, screenshotDir } from './harness.js';
import { documentText, editField, inspect } from './designer-page.js';

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

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const doc = async (page) => JSON.parse(await documentText(page));
const editorText = (page) => page.evaluate(() => document.getElementById('designer').designer.editor.state.doc.toString());
const testIds = (page, prefix) => page.locator(`.inspector [data-testid^="${prefix}"]`).evaluateAll((els) => els.map((e) => e.dataset.testid));

async function create(page, name, definition) {
  await page.goto(server.url + '/');
  await page.getByTestId('create-name').fill(name);
  await page.getByTestId('create-definition').fill(definition);
  await page.getByTestId('create-submit').click();
  await page.waitForURL(`**/machines/${name}`);
}

test('the inspector edits a JSONata Task with JSONata fields', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));

  await create(page, 'ata', machine);
  await page.goto(server.url + '/machines/ata/design');
  await inspect(page, 'Call');

  assert.equal(await page.getByTestId('query-language-name').textContent(), 'JSONata');
  assert.equal(await page.getByTestId('query-language-origin').textContent(), 'inherited from the state machine');
  assert.deepEqual(await testIds(page, 'field-'), ['field-name', 'field-Comment', 'field-Resource', 'field-Next',
    'field-TimeoutSeconds', 'field-HeartbeatSeconds', 'field-Arguments', 'field-Output', 'field-Assign']);
  assert.deepEqual(await page.locator('.inspector legend').allTextContents(),
    ['Configuration', 'Arguments and output', 'Variables', 'Retry', 'Catch', 'State JSON', 'Test state']);

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
  await page.getByTestId('field-Output').fill('$states.result');
  await page.getByTestId('field-Output').blur();
  await page.getByTestId('designer-error').waitFor();
  assert.match(await page.getByTestId('designer-error').textContent(), /^Output: not valid JSON .*\{% \.\.\. %\}/);
  assert.equal(await documentText(page), kept);

  // A catcher of a JSONata state has Output and Assign, no ResultPath.
  const beforeCatch = await documentText(page);
  await page.getByTestId('add-catch').click();
  await page.waitForFunction((b) => document.getElementById('designer').designer.current() !== b, beforeCatch);
  await page.getByTestId('field-Catch-0-Output').waitFor();
  assert.deepEqual(await testIds(page, 'field-Catch-0-'), ['field-Catch-0-ErrorEquals', 'field-Catch-0-Output', 'field-Catch-0-Assign']);
  assert.match(await page.getByTestId('catch-help').textContent(), /\$states\.errorOutput/);
  await editField(page, 'Catch-0-Output', '{% $states.errorOutput.Cause %}');
  assert.deepEqual((await doc(page)).States.Call.Catch, [{ ErrorEquals: ['States.ALL'], Next: 'Done', Output: '{% $states.errorOutput.Cause %}' }]);

  // A refused edit says why in the banner and marks the field it is about.
  const json = JSON.parse(await page.getByTestId('state-json').inputValue());
  await page.getByTestId('state-json').fill(JSON.stringify({ ...json, Next: 'Nowhere' }, null, 2));
  await page.getByTestId('apply-state-json').click();
  await page.getByTestId('designer-error').filter({ hasText: 'Nowhere' }).waitFor();
  assert.match(await page.getByTestId('designer-error').textContent(), /^"Call" Next: no state named "Nowhere"/);
  await page.locator('[data-testid="field-Next"][aria-invalid="true"]').waitFor();
  assert.deepEqual((await doc(page)).States.Call.Next, 'Done');

  await page.screenshot({ path: '/tmp/inspector-jsonata.png' });
  await page.getByTestId('inspector-panel').screenshot({ path: join(screenshotDir, 'designer-inspector-jsonata.png') });
  assert.deepEqual(errors, []);
  await context.close();
});
