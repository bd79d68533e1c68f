// Test a state, as a user does it: open the designer of a machine, click a state, give an
// input (and a mock result for a Task), press Test, and read the value after each step, the
// status and the next state; a mistake in the input is pointed at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, screenshotDir, fetchCSRFHeaders } from './harness.js';
import { reveal } from './designer-page.js';

const definition = `{
  "StartAt": "Shape",
  "States": {
    "Shape": {
      "Type": "Pass",
      "InputPath": "$.order",
      "Parameters": {
        "id.$": "$.id",
        "kind": "book"
      },
      "ResultPath": "$.shaped",
      "Next": "Fetch"
    },
    "Fetch": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:fetch",
      "ResultSelector": {
        "price.$": "$.Payload.price"
      },
      "ResultPath": "$.price",
      "End": true
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

const shot = (page, name) => page.screenshot({ path: join(screenshotDir, name), fullPage: true });

async function selectState(page, name) {
  await page.locator(`.canvas [id="state-${name}"]`).click();
  try {
    await page.waitForFunction((n) => document.querySelector('[data-testid="inspector-state"]')?.textContent === n, name, { timeout: 30000 });
  } catch (err) {
    await shot(page, 'teststate-failed-select.png');
    throw new Error(`selecting ${name}: ${err.message}; the inspector shows ${await page.getByTestId('inspector').textContent()}`);
  }
}

test('test a state with an input and read every step', async () => {
  const res = await fetch(server.url + '/machines', {
    method: 'POST',
    headers: await fetchCSRFHeaders(server.url),
    body: new URLSearchParams({ name: 'shop', definition }),
    redirect: 'manual',
  });
  assert.ok(res.status < 400, `create machine: ${res.status}`);

  const context = await browser.newContext({ viewport: { width: 1500, height: 1100 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url + '/machines/shop/design');
  await page.locator('.canvas [id="state-Shape"]').waitFor();
  // The first answer of the server redraws the graph larger: click once it has, or the node
  // moves under the pointer.
  await page.waitForFunction(() => document.querySelector('.canvas svg')?.style.width);

  // A Pass state: each path shapes the data.
  await selectState(page, 'Shape');
  await reveal(page, 'test-state'); // the inspector keeps this tab for the states that follow
  assert.equal(await page.getByTestId('test-input').inputValue(), '{}', 'the input starts as {}');
  assert.equal(await page.getByTestId('test-mock').count(), 0, 'only a Task has a mock result');
  await page.getByTestId('test-input').fill('{"order": {"id": 7}, "note": "gift"}');
  await page.getByTestId('test-run').click();
  await page.getByTestId('test-outcome').waitFor();
  assert.equal(await page.getByTestId('test-status').textContent(), 'SUCCEEDED');
  assert.match(await page.getByTestId('test-next').textContent(), /Next: Fetch/);
  const value = async (step) => JSON.parse(await page.getByTestId(`test-value-${step}`).textContent());
  assert.deepEqual(await value('InputPath'), { id: 7 });
  assert.deepEqual(await value('Parameters'), { id: 7, kind: 'book' });
  assert.deepEqual(await value('OutputPath'), { order: { id: 7 }, note: 'gift', shaped: { id: 7, kind: 'book' } });
  await page.getByTestId('test-state').scrollIntoViewIfNeeded();
  await shot(page, 'teststate-pass.png');

  // An input that is not JSON is refused, saying where.
  await page.getByTestId('test-input').fill('{\n  "order": oops\n}');
  await page.getByTestId('test-run').click();
  await page.getByTestId('test-error').waitFor();
  assert.match(await page.getByTestId('test-error').textContent(), /line 2, column 12/);

  // A Task: the mock result goes through ResultSelector and ResultPath.
  await selectState(page, 'Fetch');
  await page.getByTestId('test-input').fill('{"id": 7}');
  await page.getByTestId('test-mock').fill('{"Payload": {"price": 12}}');
  // Selecting another state and coming back keeps what was typed.
  await selectState(page, 'Shape');
  await selectState(page, 'Fetch');
  assert.equal(await page.getByTestId('test-mock').inputValue(), '{"Payload": {"price": 12}}');
  await page.getByTestId('test-run').click();
  await page.getByTestId('test-outcome').waitFor();
  assert.equal(await page.getByTestId('test-status').textContent(), 'SUCCEEDED');
  assert.deepEqual(await value('Result'), { Payload: { price: 12 } });
  assert.deepEqual(await value('ResultSelector'), { price: 12 });
  assert.deepEqual(await value('OutputPath'), { id: 7, price: { price: 12 } });
  assert.match(await page.getByTestId('test-next').textContent(), /End/);
  await page.getByTestId('test-state').scrollIntoViewIfNeeded();
  await shot(page, 'teststate-task.png');

  // Without a mock the task fails, and says why and where.
  await page.getByTestId('test-mock').fill('');
  await page.getByTestId('test-run').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="test-status"]')?.textContent === 'FAILED');
  assert.match(await page.getByTestId('test-cause').textContent(), /mock result/);
  await page.getByTestId('test-state').scrollIntoViewIfNeeded();
  await shot(page, 'teststate-failed.png');

  // A mock error fails the task with that error, to try its Retry and Catch.
  await page.getByText('Or fail the task with an error').click();
  await page.getByTestId('test-mock-error').fill('Boom');
  await page.getByTestId('test-mock-cause').fill('it broke');
  await page.getByTestId('test-run').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="test-error-name"]')?.textContent === 'Boom');
  assert.equal(await page.getByTestId('test-status').textContent(), 'FAILED');
  assert.equal(await page.getByTestId('test-cause').textContent(), 'it broke');

  assert.deepEqual(errors, []);
  await context.close();
});
