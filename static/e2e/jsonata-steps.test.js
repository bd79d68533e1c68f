// The steps of JSONata states, as a user reads them: in the designer's Test state panel a
// Pass and a Task show After Arguments, the result, the variables Assign set and Output
// (none of JSONPath's InputPath, Parameters, ResultSelector, ResultPath); on an execution's
// page a state's steps are recomputed with the run's own context object, so a
// $states.context value names the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStudio, shot, csrfHeaders } from './harness.js';
import { reveal } from './designer-page.js';

const definition = JSON.stringify({
  QueryLanguage: 'JSONata',
  StartAt: 'Shape',
  States: {
    Shape: {
      Type: 'Pass',
      Output: { id: '{% $states.input.order.id %}', run: '{% $states.context.Execution.Name %}' },
      Next: 'Fetch',
    },
    Fetch: {
      Type: 'Task',
      Resource: 'arn:aws:lambda:us-east-1:123456789012:function:fetch',
      Arguments: { FunctionName: 'fetch', Payload: { id: '{% $states.input.id %}' } },
      Assign: { lastPrice: '{% $states.result.Payload.price %}' },
      Output: { id: '{% $states.input.id %}', price: '{% $states.result.Payload.price %}' },
      End: true,
    },
  },
}, null, 2);

// runnable is a JSONata machine the studio runs to its end: a Pass that shows its context.
const runnable = JSON.stringify({
  QueryLanguage: 'JSONata',
  StartAt: 'Shape',
  States: {
    Shape: {
      Type: 'Pass',
      Output: { id: '{% $states.input.order.id %}', run: '{% $states.context.Execution.Name %}', state: '{% $states.context.State.Name %}' },
      Assign: { seen: '{% $states.input.order.id %}' },
      End: true,
    },
  },
}, null, 2);

const studio = useStudio();
const jsonPathSteps = ['InputPath', 'Parameters', 'ResultSelector', 'ResultPath', 'OutputPath'];

async function createMachine(page, name, doc) {
  const headers = await csrfHeaders(page.request, studio.server.url);
  const created = await page.request.post(`${studio.server.url}/machines`, { form: { name, definition: doc }, headers });
  assert.ok(created.ok(), `create machine: ${created.status()}`);
  return headers;
}

async function selectState(page, name) {
  await page.locator(`.canvas [id="state-${name}"]`).click();
  await page.waitForFunction((n) => document.querySelector('[data-testid="inspector-state"]')?.textContent === n, name, { timeout: 30000 });
}

// labels are the rows of the steps shown, by key, with their label.
const labels = (root) => root.locator('[data-testid^="test-step-"]').evaluateAll((rows) =>
  rows.map((r) => [r.dataset.testid.slice('test-step-'.length), r.querySelector('strong').textContent]));

test('test JSONata states in the designer: Arguments, Result, variables and Output', async () => {
  const context = await studio.browser.newContext({ viewport: { width: 1500, height: 1100 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await createMachine(page, 'jsonata-shop', definition);
  await page.goto(studio.server.url + '/machines/jsonata-shop/design');
  await page.locator('.canvas [id="state-Shape"]').waitFor();
  await page.waitForFunction(() => document.querySelector('.canvas svg')?.style.width);
  const value = async (step) => JSON.parse(await page.getByTestId(`test-value-${step}`).textContent());

  // A Pass: Output shapes $states.input; the test's own context names the execution "test".
  await selectState(page, 'Shape');
  await reveal(page, 'test-state'); // the inspector keeps this tab for the states that follow
  await page.getByTestId('test-input').fill('{"order": {"id": 7}}');
  await page.getByTestId('test-run').click();
  await page.getByTestId('test-outcome').waitFor();
  assert.equal(await page.getByTestId('test-status').textContent(), 'SUCCEEDED');
  assert.deepEqual(await labels(page), [['Input', 'Input'], ['Arguments', 'After Arguments'], ['Result', 'Result'], ['Output', 'Output']]);
  assert.deepEqual(await value('Output'), { id: 7, run: 'test' });
  assert.match(await page.getByTestId('test-step-Arguments').textContent(), /\$states\.input/);

  // A Task: Arguments make the effective input; Assign and Output read $states.result.
  await selectState(page, 'Fetch');
  await page.getByTestId('test-input').fill('{"id": 7}');
  await page.getByTestId('test-mock').fill('{"Payload": {"price": 12}}');
  await page.getByTestId('test-run').click();
  await page.getByTestId('test-outcome').waitFor();
  assert.equal(await page.getByTestId('test-status').textContent(), 'SUCCEEDED');
  assert.deepEqual(await labels(page), [['Input', 'Input'], ['Arguments', 'After Arguments'], ['Result', 'Result'],
    ['Assign', 'Variables (Assign)'], ['Output', 'Output']]);
  assert.deepEqual(await value('Arguments'), { FunctionName: 'fetch', Payload: { id: 7 } });
  assert.deepEqual(await value('Result'), { Payload: { price: 12 } });
  assert.deepEqual(await value('Assign'), { lastPrice: 12 });
  assert.deepEqual(await value('Output'), { id: 7, price: 12 });
  assert.match(await page.getByTestId('test-step-Result').textContent(), /\$states\.result/);
  for (const step of jsonPathSteps) {
    assert.equal(await page.getByTestId(`test-step-${step}`).count(), 0, `a JSONata state has no ${step} row`);
  }
  await page.getByTestId('test-state').scrollIntoViewIfNeeded();
  await shot(page, 'jsonata-teststate-task.png');

  // A mock result without the price: Assign's expression fails, and the row says so.
  await page.getByTestId('test-mock').fill('{"Payload": {}}');
  await page.getByTestId('test-run').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="test-status"]')?.textContent === 'FAILED');
  assert.equal(await page.getByTestId('test-error-name').textContent(), 'States.QueryEvaluationError');
  assert.match(await page.getByTestId('test-step-Assign').textContent(), /failed here/);

  assert.deepEqual(errors, []);
  await context.close();
});

test("a JSONata execution's steps: JSONata labels and the run's own context", async () => {
  const context = await studio.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const headers = await createMachine(page, 'jsonata-run', runnable);
  const started = await page.request.post(`${studio.server.url}/machines/jsonata-run/executions`, { form: { input: '{"order": {"id": 7}}' }, headers });
  assert.ok(started.ok(), `start: ${started.status()}`);
  const execURL = started.url();
  const exported = await (await page.request.get(execURL + '/export.json')).json();
  await page.goto(execURL);
  await page.locator('[id="state-Shape"][data-status="succeeded"]').waitFor();

  await page.locator('[id="state-Shape"]').click();
  const details = page.getByTestId('visit-details').filter({ hasText: 'Shape' });
  await details.waitFor();
  assert.deepEqual(await labels(details), [['Input', 'Input'], ['Arguments', 'After Arguments'], ['Result', 'Result'],
    ['Assign', 'Variables (Assign)'], ['Output', 'Output']]);
  const output = JSON.parse(await details.getByTestId('test-value-Output').textContent());
  assert.deepEqual(output, { id: 7, run: exported.name, state: 'Shape' }, 'the recomputed output names the run, not TestState');
  assert.deepEqual(JSON.parse(await details.getByTestId('test-value-Assign').textContent()), { seen: 7 });
  for (const step of jsonPathSteps) {
    assert.equal(await details.getByTestId(`test-step-${step}`).count(), 0, `a JSONata state has no ${step} row`);
  }
  await details.scrollIntoViewIfNeeded();
  await shot(page, 'jsonata-execution-steps.png');

  assert.deepEqual(errors, []);
  await context.close();
});
