// The spine, as a user meets it: import a definition with a callback task, run it, watch the
// states light up live, approve it in the inbox, and see the execution succeed with the
// approved output; then the ways it can go wrong.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, screenshotDir } from './harness.js';
import { nodeIdOf } from '../src/designer-names.js';

const definition = `{
  "Comment": "Orders over 100 wait for a person.",
  "StartAt": "Prepare",
  "States": {
    "Prepare": {
      "Type": "Pass",
      "Parameters": { "orderId.$": "$.orderId", "amount.$": "$.amount" },
      "Next": "Big order?"
    },
    "Big order?": {
      "Type": "Choice",
      "Choices": [ { "Variable": "$.amount", "NumericGreaterThan": 100, "Next": "Approve" } ],
      "Default": "Ship"
    },
    "Approve": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": {
        "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/approvals",
        "MessageBody": { "orderId.$": "$.orderId", "token.$": "$$.Task.Token" }
      },
      "ResultPath": "$.decision",
      "Next": "Ship"
    },
    "Ship": { "Type": "Succeed" }
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

const node = (page, state) => page.locator(`[id="${nodeIdOf(state)}"]`);

async function importMachine(page, name) {
  await page.goto(server.url + '/');
  await page.getByTestId('create-name').fill(name);
  await page.getByTestId('create-file').setInputFiles({
    name: `${name}.asl.json`, mimeType: 'application/json', buffer: Buffer.from(definition),
  });
  await page.getByTestId('create-submit').click();
  await page.waitForURL(`**/machines/${name}`);
}

async function run(page, input) {
  await page.getByTestId('run-input').fill(JSON.stringify(input));
  await page.getByTestId('run-submit').click();
  await page.waitForURL('**/executions/*');
}

test('import, run, watch live, approve in the inbox, see the approved output', async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();

  await page.goto(server.url + '/');
  await assert.doesNotReject(page.getByTestId('no-machines').waitFor());
  await importMachine(page, 'OrderApproval');

  // The graph: one node per state, the choice rule on its edge.
  for (const state of ['Prepare', 'Big order?', 'Approve', 'Ship']) {
    await node(page, state).waitFor();
  }
  const graphText = await page.getByTestId('graph').textContent();
  assert.match(graphText, /\$\.amount > 100/);
  assert.match(graphText, /Default/);
  await page.screenshot({ path: join(screenshotDir, 'machine.png'), fullPage: true });

  // The download is the file exactly as imported.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-definition').click()]);
  const chunks = [];
  for await (const c of await download.createReadStream()) chunks.push(c);
  assert.equal(Buffer.concat(chunks).toString(), definition);

  await run(page, { orderId: 'o-1', amount: 120 });
  await page.evaluate(() => { window.notReloaded = true; });
  assert.equal(await page.getByTestId('execution-status').textContent(), 'RUNNING');
  await node(page, 'Approve').and(page.locator('[data-status="waiting"]')).waitFor();
  for (const state of ['Prepare', 'Big order?']) {
    assert.equal(await node(page, state).getAttribute('data-status'), 'succeeded', state);
  }
  assert.equal(await node(page, 'Ship').getAttribute('data-status'), 'notrun');
  await page.screenshot({ path: join(screenshotDir, 'execution-waiting.png'), fullPage: true });

  // A second tab: the inbox shows the waiting task with its parameters.
  const inbox = await context.newPage();
  await inbox.goto(server.url + '/inbox');
  const task = inbox.getByTestId('task');
  assert.equal(await task.count(), 1);
  assert.equal(await task.getByTestId('task-state').textContent(), 'Approve');
  const params = JSON.parse(await task.getByTestId('task-parameters').textContent());
  assert.equal(params.MessageBody.orderId, 'o-1');
  // Everyone sees the inbox: the token, which alone decides the task, is masked there.
  assert.match(params.MessageBody.token, /^\S{6}…$/, 'the task token is masked in the inbox');
  await inbox.screenshot({ path: join(screenshotDir, 'inbox.png'), fullPage: true });
  await task.getByTestId('approve-output').fill('{"approved": true, "by": "alice"}');
  await task.getByTestId('approve').click();
  await inbox.getByTestId('notice').waitFor();
  // The page after the decision may still list the task until its execution has recorded
  // the decision, a moment later; the live list then drops it.
  await inbox.getByTestId('task').first().waitFor({ state: 'detached' });
  assert.equal(await inbox.getByTestId('nav-inbox').count(), 1);

  // The first tab follows live, without a reload.
  await page.getByTestId('execution-status').filter({ hasText: 'SUCCEEDED' }).waitFor();
  assert.equal(await page.evaluate(() => window.notReloaded), true);
  assert.equal(await node(page, 'Approve').getAttribute('data-status'), 'succeeded');
  assert.equal(await node(page, 'Ship').getAttribute('data-status'), 'succeeded');
  const output = JSON.parse(await page.getByTestId('execution-output').textContent());
  assert.deepEqual(output, { orderId: 'o-1', amount: 120, decision: { approved: true, by: 'alice' } });
  const liveEvents = await page.getByTestId('event-count').textContent();
  await page.screenshot({ path: join(screenshotDir, 'execution-succeeded.png'), fullPage: true });

  // The history is stored: a reload shows the same picture.
  await page.reload();
  assert.equal(await page.getByTestId('execution-status').textContent(), 'SUCCEEDED');
  assert.equal(await node(page, 'Ship').getAttribute('data-status'), 'succeeded');
  assert.equal(await page.getByTestId('event-count').textContent(), liveEvents);
  await context.close();
});

test('reject fails the execution with the given error and cause', async () => {
  const page = await browser.newPage();
  await page.goto(server.url + '/machines/OrderApproval');
  await run(page, { orderId: 'o-2', amount: 500 });
  await node(page, 'Approve').and(page.locator('[data-status="waiting"]')).waitFor();
  const execURL = page.url();

  const inbox = await browser.newPage();
  await inbox.goto(server.url + '/inbox');
  const task = inbox.getByTestId('task').filter({ hasText: 'o-2' });
  await task.getByTestId('reject-error').fill('Finance.Refused');
  await task.getByTestId('reject-cause').fill('Over the monthly budget');
  await task.getByTestId('reject').click();
  await inbox.getByTestId('notice').waitFor();

  await page.getByTestId('execution-status').filter({ hasText: 'FAILED' }).waitFor();
  assert.equal(await page.getByTestId('execution-error-name').textContent(), 'Finance.Refused');
  assert.equal(await page.getByTestId('execution-error-cause').textContent(), 'Over the monthly budget');
  assert.equal(await node(page, 'Approve').getAttribute('data-status'), 'failed');
  assert.equal(page.url(), execURL);
  await page.screenshot({ path: join(screenshotDir, 'execution-failed.png'), fullPage: true });
  await page.close();
  await inbox.close();
});

test('a task decided in another tab is refused as already decided', async () => {
  const page = await browser.newPage();
  await page.goto(server.url + '/machines/OrderApproval');
  await run(page, { orderId: 'o-3', amount: 101 });
  await node(page, 'Approve').and(page.locator('[data-status="waiting"]')).waitFor();

  const first = await browser.newPage();
  const second = await browser.newPage();
  // The inbox is live, so an open tab would drop the decided task; this one stands for a tab
  // that heard nothing (its socket cut off) and still offers the task.
  await second.routeWebSocket(/\/inbox\/ws/, () => {});
  await first.goto(server.url + '/inbox');
  await second.goto(server.url + '/inbox');
  await first.getByTestId('task').getByTestId('approve').click();
  await first.getByTestId('notice').waitFor();
  const response = await Promise.all([
    second.waitForResponse((r) => r.request().method() === 'POST'),
    second.getByTestId('task').getByTestId('approve').click(),
  ]).then(([r]) => r);
  assert.equal(response.status(), 409);
  assert.match(await second.getByTestId('error-message').textContent(), /already decided/);
  await page.getByTestId('execution-status').filter({ hasText: 'SUCCEEDED' }).waitFor();
  for (const p of [page, first, second]) await p.close();
});

test('bad input gets a clear message and loses nothing', async () => {
  const page = await browser.newPage();
  await page.goto(server.url + '/machines/OrderApproval');

  // A missing Next target: refused, naming the state and field; the stored version stays.
  const broken = definition.replace('"Next": "Ship"\n    },\n    "Ship"', '"Next": "Shipp"\n    },\n    "Ship"');
  assert.notEqual(broken, definition);
  await page.getByTestId('definition-editor').fill(broken);
  const [saved] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByTestId('save-definition').click()]);
  assert.equal(saved.status(), 422);
  const problems = await page.getByTestId('problems').textContent();
  assert.match(problems, /Approve/);
  assert.match(problems, /Next/);
  assert.match(problems, /Shipp/);
  assert.equal(await page.getByTestId('definition-editor').inputValue(), broken, 'the edit is kept for fixing');
  await page.screenshot({ path: join(screenshotDir, 'machine-invalid.png'), fullPage: true });
  const stored = await (await page.request.get(server.url + '/machines/OrderApproval/definition.asl.json')).text();
  assert.equal(stored, definition);

  // Invalid JSON: refused with its position.
  await page.getByTestId('definition-editor').fill('{"StartAt": "A", "States": {');
  await page.getByTestId('save-definition').click();
  assert.match(await page.getByTestId('problems').textContent(), /line 1/);

  // Invalid run input.
  await page.goto(server.url + '/machines/OrderApproval');
  await page.getByTestId('run-input').fill('{"orderId": }');
  await page.getByTestId('run-submit').click();
  assert.match(await page.getByTestId('run-problem').textContent(), /not valid JSON/);

  // Unknown execution.
  const missing = await page.goto(server.url + '/executions/424242');
  assert.equal(missing.status(), 404);
  assert.match(await page.getByTestId('error-message').textContent(), /no execution 424242/);
  await page.close();
});
