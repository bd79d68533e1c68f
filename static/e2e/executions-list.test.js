// The executions lists as a user meets them: run from the designer's dialog with a saved
// input, watch the overall list change live (a new row RUNNING, then SUCCEEDED once the
// callback is approved), filter, search, page, and compare two executions side by side.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, screenshotDir, csrfHeaders, eventually } from './harness.js';

const orders = `{
  "StartAt": "Prepare",
  "States": {
    "Prepare": { "Type": "Pass", "Next": "Big order?" },
    "Big order?": {
      "Type": "Choice",
      "Choices": [ { "Variable": "$.amount", "NumericGreaterThan": 100, "Next": "Approve" } ],
      "Default": "Ship"
    },
    "Approve": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": { "MessageBody": { "orderId.$": "$.orderId", "token.$": "$$.Task.Token" } },
      "ResultPath": "$.decision",
      "Next": "Ship"
    },
    "Ship": { "Type": "Succeed" }
  }
}`;
const quick = '{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}';

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

async function createMachine(page, name, definition, type = 'STANDARD') {
  await page.goto(server.url + '/');
  await page.getByTestId('create-name').fill(name);
  await page.getByTestId('create-definition').fill(definition);
  await page.getByTestId(type === 'EXPRESS' ? 'create-type-express' : 'create-type-standard').check();
  await page.getByTestId('create-submit').click();
  await page.waitForURL(`**/machines/${name}`);
}

// approveWaiting approves the one waiting task through the inbox's form post, as spine does.
// The execution reaches its task on its own time, after its page has loaded: wait for it.
async function approveWaiting(page) {
  const id = await eventually('a task waiting in the inbox', async () =>
    /data-task-id="(\d+)"/.exec(await (await page.request.get(server.url + '/inbox')).text())?.[1]);
  const headers = await csrfHeaders(page.request, server.url);
  const res = await page.request.post(`${server.url}/inbox/${id}/approve`, { form: { output: '{"approved": true}' }, headers, maxRedirects: 0 });
  assert.equal(res.status(), 303);
}

const rows = (page) => page.getByTestId('execution-row');

test('run from the designer with a saved input, watch the list live, filter, search, page, compare', async () => {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await createMachine(page, 'Orders', orders);
  assert.equal(await page.getByTestId('machine-type').textContent(), 'STANDARD');
  await createMachine(page, 'Quick', quick, 'EXPRESS');
  assert.equal(await page.getByTestId('machine-type').textContent(), 'EXPRESS');
  await shot(page, 'machine-express.png');
  const headers = await csrfHeaders(page.request, server.url);
  for (let i = 0; i < 26; i++) {
    const res = await page.request.post(`${server.url}/machines/Quick/executions`, { form: { input: `{"i": ${i}}` }, headers, maxRedirects: 0 });
    assert.equal(res.status(), 303);
  }

  await page.goto(server.url + '/');
  await shot(page, 'home-types.png');

  // The overall list is open in a second tab, linked from the navigation.
  const list = await context.newPage();
  list.on('pageerror', (e) => errors.push(e.message));
  await list.goto(server.url + '/');
  await list.getByTestId('nav-executions').click();
  await list.waitForURL('**/executions');
  await list.getByTestId('live-flag').waitFor();
  assert.equal(await rows(list).count(), 25);
  assert.equal(await list.getByTestId('execution-count').textContent(), '26 executions');

  // The designer's run dialog: validation as you type, a saved input.
  await page.goto(server.url + '/machines/Orders/design');
  await page.getByTestId('designer-run').click();
  const ready = page.locator('[data-testid="run-dialog"][data-ready]');
  await ready.waitFor();
  assert.equal(await page.getByTestId('run-input').inputValue(), '{}');
  await page.getByTestId('run-input').fill('{"orderId": "o-1", "amount": }');
  assert.match(await page.getByTestId('run-input-check').textContent(), /^Not valid JSON at line 1, column 30: /);
  assert.equal(await page.getByTestId('run-start').isDisabled(), true);
  await shot(page, 'run-dialog-invalid.png');
  await page.getByTestId('run-input').fill('{"orderId": "o-1", "amount": 120}');
  assert.equal(await page.getByTestId('run-input-check').textContent(), 'Valid JSON.');
  await page.getByTestId('save-input-name').fill('big order');
  await page.getByTestId('save-input').click();
  await page.getByTestId('saved-input').filter({ hasText: 'big order' }).waitFor();
  await page.getByTestId('run-input').fill('{"other": true}');
  await page.getByTestId('pick-input').filter({ hasText: 'big order' }).click();
  assert.deepEqual(JSON.parse(await page.getByTestId('run-input').inputValue()), { orderId: 'o-1', amount: 120 });
  await shot(page, 'run-dialog.png');
  await page.getByTestId('run-start').click();
  await page.waitForURL('**/executions/*');
  const runId = page.url().split('/').pop();

  // The list heard of it: a new row on top, RUNNING, without a reload.
  const row = list.locator(`tr[data-id="${runId}"]`);
  await row.waitFor();
  assert.equal(await rows(list).first().getAttribute('data-id'), runId);
  assert.match(await row.getByTestId('status').textContent(), /RUNNING/);
  assert.equal(await list.getByTestId('execution-count').textContent(), '27 executions');
  await shot(list, 'executions-live-running.png');
  await approveWaiting(page);
  await row.getByTestId('status').filter({ hasText: 'SUCCEEDED' }).waitFor();
  assert.notEqual(await row.getByTestId('duration').textContent(), 'running…');
  await shot(list, 'executions-live-succeeded.png');

  // Opened again, the dialog remembers the last input and the saved one; with unsaved
  // changes in the designer it says that the run uses the saved version.
  await page.goto(server.url + '/machines/Orders/design');
  // Let the designer's own first round trip (a restored draft) land first: its answer
  // would otherwise replace the edit below. idle() is that round trip itself, where
  // 'networkidle' only guesses from a quiet half second.
  await page.evaluate(() => document.getElementById('designer').designer.idle());
  await page.evaluate(() => {
    const { editor } = document.getElementById('designer').designer;
    editor.dispatch({ changes: { from: 0, insert: ' ' } });
  });
  await page.getByTestId('dirty-flag').waitFor();
  await page.getByTestId('designer-run').click();
  await ready.waitFor();
  await page.getByTestId('run-unsaved').waitFor();
  assert.deepEqual(JSON.parse(await page.getByTestId('run-input').inputValue()), { orderId: 'o-1', amount: 120 });
  assert.equal(await page.getByTestId('run-start').textContent(), 'Run saved version');
  await shot(page, 'run-dialog-unsaved.png');
  await page.getByTestId('run-input').fill('{"orderId": "o-2", "amount": 50}');
  await page.getByTestId('run-start').click(); // leaves without the "leave site?" prompt: the draft stays
  await page.waitForURL('**/executions/*');
  const smallId = page.url().split('/').pop();
  await list.locator(`tr[data-id="${smallId}"]`).getByTestId('status').filter({ hasText: 'SUCCEEDED' }).waitFor();

  // Filter by status, search by a part of the name, page.
  await list.getByTestId('filter-status').selectOption('SUCCEEDED');
  await list.getByTestId('filter-apply').click();
  await list.waitForURL('**/executions?status=SUCCEEDED*');
  assert.equal(await list.getByTestId('execution-count').textContent(), '28 executions');
  await list.getByTestId('page-older').click();
  await list.waitForURL(/before=\d+/);
  assert.equal(await rows(list).count(), 3);
  await shot(list, 'executions-page-2.png');
  await list.getByTestId('page-newer').click();
  await list.waitForURL(/after=\d+/);
  assert.equal(await rows(list).count(), 25);
  const name = await list.locator(`tr[data-id="${runId}"]`).getByTestId('execution-link').textContent();
  await list.getByTestId('filter-search').fill(name.slice(4, 13).toUpperCase());
  await list.getByTestId('filter-apply').click();
  await list.waitForURL(/q=/);
  assert.equal(await rows(list).count(), 1);
  await shot(list, 'executions-search.png');

  // Compare: from the Orders list, tick the two runs.
  await list.goto(server.url + '/machines/Orders/executions');
  assert.equal(await rows(list).count(), 2);
  assert.equal(await list.getByTestId('compare').isDisabled(), true);
  for (const id of [runId, smallId]) await list.locator(`tr[data-id="${id}"]`).getByTestId('pick').check();
  await list.getByTestId('compare').click();
  await list.waitForURL(`**/executions/compare?a=${runId}&b=${smallId}`);
  assert.equal(await list.getByTestId('compare-input-summary').textContent(), '2 lines differ');
  const path = list.getByTestId('compare-path');
  assert.equal(await path.locator('tr.only-left').count(), 1); // Approve, on the big order's side only
  assert.match(await path.locator('tr.only-left').textContent(), /Approve/);
  await shot(list, 'compare.png');

  // Two machines cannot be compared: a clear 400.
  const quickId = await (async () => {
    await list.goto(server.url + '/machines/Quick/executions');
    return rows(list).first().getAttribute('data-id');
  })();
  const res = await list.goto(`${server.url}/executions/compare?a=${runId}&b=${quickId}`);
  assert.equal(res.status(), 400);
  await list.getByText('only executions of the same state machine').waitFor();
  await shot(list, 'compare-different-machines.png');

  assert.deepEqual(errors, []);
  await context.close();
});
