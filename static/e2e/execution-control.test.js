// Executions a user steers: a Map over 20 items, then an approval whose first answer is a
// rejection that its Retry turns into a second ask, approved. The page shows the colours and
// counts live while the run is held at the approval, a second tab opened mid-run agrees, and
// the run can be stopped, or redriven after it failed, and exported.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launchBrowser, screenshotDir } from './harness.js';

const definition = JSON.stringify({
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Parameters: { 'items.$': 'States.ArrayRange(1, 20, 1)' }, Next: 'Each' },
    Each: {
      Type: 'Map', ItemsPath: '$.items', ResultPath: '$.checked',
      ItemProcessor: { StartAt: 'Check', States: { Check: { Type: 'Pass', End: true } } },
      Next: 'Approve',
    },
    // A person may send the request back once ("Rejected"): the Retry asks again.
    Approve: {
      Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
      Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/approvals', MessageBody: { 'token.$': '$$.Task.Token' } },
      Retry: [{ ErrorEquals: ['Rejected'], MaxAttempts: 1, IntervalSeconds: 1 }],
      ResultPath: '$.decision', Next: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
});

let server;
let browser;
let context;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await page.goto(server.url + '/');
  const res = await post(page, '/machines', { name: 'Checks', definition });
  assert.ok(res.ok(), `create: ${res.status()}`);
  await page.close();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// post sends a form as the page would, with the page's CSRF token.
async function post(page, path, form) {
  const token = await page.evaluate(() => document.querySelector('meta[name="csrf-token"]')?.content || '');
  return page.request.post(server.url + path, { form: { ...form, _csrf: token }, headers: { 'X-CSRF-Token': token } });
}

// run starts an execution and opens its page.
async function run(page) {
  await page.goto(server.url + '/machines/Checks');
  const res = await post(page, '/machines/Checks/executions', { input: '{}' });
  assert.ok(res.ok(), `start: ${res.status()}`);
  await page.goto(res.url());
  return res.url();
}

// decide answers the task the execution at execURL waits on, from the inbox page.
async function decide(page, execURL, action, fields = {}) {
  const inbox = await context.newPage();
  await inbox.goto(server.url + '/inbox');
  const execPath = new URL(execURL).pathname;
  const task = inbox.locator('[data-testid="task"]', { has: inbox.locator(`a[href="${execPath}"]`) });
  await task.waitFor();
  if (action === 'approve') {
    await task.locator('[data-testid="approve-output"]').fill(fields.output || '{"approved": true}');
    await task.locator('[data-testid="approve"]').click();
  } else {
    await task.locator('[data-testid="reject-error"]').fill(fields.error);
    await task.locator('[data-testid="reject-cause"]').fill(fields.cause || '');
    await task.locator('[data-testid="reject"]').click();
  }
  await inbox.waitForLoadState();
  await inbox.close();
}

const node = (page, state) => page.locator(`[id="state-${state}"]`);
const status = (page) => page.locator('[data-testid="execution-status"]');

// expectNode waits until the state shows the status and, when given, the run count (a badge
// "×N"); waiting for both at once matters when only the count changes.
async function expectNode(page, state, wantStatus, wantCount) {
  await page.waitForFunction(([id, s, count]) => {
    const n = document.getElementById(id);
    if (n?.dataset.status !== s) return false;
    return count === null || n.querySelector('.run-count text')?.textContent === `×${count}`;
  }, [`state-${state}`, wantStatus, wantCount ?? null]);
}

test('a Map of 20 and a retried approval, live in two tabs, then exported', async () => {
  const page = await context.newPage();
  const execURL = await run(page);
  await expectNode(page, 'Approve', 'waiting');
  await expectNode(page, 'Each', 'succeeded');
  await expectNode(page, 'Check', 'succeeded', 20);
  assert.equal(await status(page).textContent(), 'RUNNING');

  // Sent back once: the Retry asks again, and the page counts the second attempt.
  await decide(page, execURL, 'reject', { error: 'Rejected', cause: 'amount missing' });
  await expectNode(page, 'Approve', 'waiting', 2);
  await page.screenshot({ path: join(screenshotDir, 'control-retry-waiting.png'), fullPage: true });

  // A second tab opened now shows what the live one shows.
  const second = await context.newPage();
  await second.goto(execURL);
  for (const [state, want, count] of [['Approve', 'waiting', 2], ['Check', 'succeeded', 20], ['Each', 'succeeded']]) {
    await expectNode(second, state, want, count);
  }

  await decide(page, execURL, 'approve', { output: '{"approved": true, "by": "e2e"}' });
  for (const p of [page, second]) {
    await p.waitForFunction(() => document.querySelector('[data-testid="execution-status"]').textContent.trim() === 'SUCCEEDED');
    await expectNode(p, 'Approve', 'succeeded', 2);
    await expectNode(p, 'Done', 'succeeded');
  }
  assert.match(await page.locator('[data-testid="execution-output"]').textContent(), /"by": "e2e"/);

  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="execution-export"]').click()]);
  const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
  const text = JSON.stringify(exported);
  assert.match(text, /"SUCCEEDED"/);
  const types = JSON.stringify(exported).match(/"(TaskFailed|TaskSucceeded|MapIterationSucceeded)"/g) || [];
  assert.equal(types.filter((t) => t.includes('MapIterationSucceeded')).length, 20, 'twenty iterations in the export');
  assert.ok(types.some((t) => t.includes('TaskFailed')) && types.some((t) => t.includes('TaskSucceeded')), 'the rejection and the approval are in the export');
  await second.close();
  await page.close();
});

test('stop a running execution from its page', async () => {
  const page = await context.newPage();
  const execURL = await run(page);
  await expectNode(page, 'Approve', 'waiting');
  await page.locator('.stop-form summary, [data-testid="stop-form"] summary').first().click().catch(() => {});
  if (await page.locator('[data-testid="stop-error"]').isVisible()) {
    await page.locator('[data-testid="stop-error"]').fill('Cancelled');
    await page.locator('[data-testid="stop-cause"]').fill('no longer needed');
  }
  await page.locator('[data-testid="execution-stop"]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="execution-status"]').textContent.trim() === 'ABORTED');
  await expectNode(page, 'Approve', 'aborted');
  assert.ok(await page.locator('[data-testid="execution-redrive"]').isVisible(), 'an aborted execution can be redriven');
  // Its task has left the inbox: nobody can decide it any more.
  const inbox = await context.newPage();
  await inbox.goto(server.url + '/inbox');
  assert.equal(await inbox.locator(`a[href="${new URL(execURL).pathname}"]`).count(), 0);
  await inbox.close();
  await page.screenshot({ path: join(screenshotDir, 'control-stopped.png'), fullPage: true });
  await page.close();
});

test('redrive a failed execution from where it failed', async () => {
  const page = await context.newPage();
  const execURL = await run(page);
  await expectNode(page, 'Approve', 'waiting');
  // Rejected for good: no Retry matches, the execution fails.
  await decide(page, execURL, 'reject', { error: 'Refused', cause: 'over budget' });
  await page.waitForFunction(() => document.querySelector('[data-testid="execution-status"]').textContent.trim() === 'FAILED');
  assert.equal(await page.locator('[data-testid="execution-error-name"]').textContent(), 'Refused');
  await expectNode(page, 'Approve', 'failed');

  await page.locator('[data-testid="execution-redrive"]').click();
  await page.waitForURL(execURL);
  await expectNode(page, 'Approve', 'waiting');
  assert.equal(await status(page).textContent(), 'RUNNING');
  // The Map that succeeded before is not run again.
  await expectNode(page, 'Check', 'succeeded', 20);
  await decide(page, execURL, 'approve');
  await page.waitForFunction(() => document.querySelector('[data-testid="execution-status"]').textContent.trim() === 'SUCCEEDED', null, { timeout: 30000 });
  assert.equal((await page.locator('[data-testid="execution-redrives"]').textContent()).trim(), '1');
  await page.screenshot({ path: join(screenshotDir, 'control-redriven.png'), fullPage: true });
  await page.close();
});
