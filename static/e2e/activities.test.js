// The activities page as a user who writes a worker meets it: the navigation leads there, an
// activity with no worker says how to poll it, a task waits with its execution one click
// away, and once a worker polls the page names it and the task as its own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, screenshotDir, eventually } from './harness.js';

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

// api calls the Step Functions API as a worker would: unsigned, which a loopback studio
// without users accepts.
async function api(action, body) {
  const res = await fetch(server.url + '/', {
    method: 'POST',
    headers: { 'X-Amz-Target': `AWSStepFunctions.${action}`, 'Content-Type': 'application/x-amz-json-1.0' },
    body: JSON.stringify(body),
  });
  const out = await res.json();
  assert.equal(res.status, 200, `${action}: ${JSON.stringify(out)}`);
  return out;
}

test('an activity: how to poll it, its waiting task, then the worker that took it', async () => {
  const { activityArn } = await api('CreateActivity', { name: 'resize' });
  const definition = JSON.stringify({ StartAt: 'Resize', States: { Resize: { Type: 'Task', Resource: activityArn, End: true } } });
  const { stateMachineArn } = await api('CreateStateMachine', { name: 'thumbnails', definition, roleArn: 'arn:aws:iam::123456789012:role/r' });

  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url + '/');
  await page.getByTestId('nav-activities').click();
  await page.waitForURL(server.url + '/activities');
  const activity = page.getByTestId('activity').filter({ hasText: 'resize' });
  assert.equal(await activity.getByTestId('activity-arn').textContent(), activityArn);
  assert.equal(await activity.getByTestId('activity-worker-hint').textContent(),
    `aws stepfunctions get-activity-task --activity-arn ${activityArn} --endpoint-url ${server.url}`);

  await api('StartExecution', { stateMachineArn, name: 'photo-1', input: '{"photo":"cat.png"}' });
  await eventually('the task to wait on the page', async () => {
    await page.reload();
    return (await activity.getByTestId('activity-waiting').textContent()) === '1 waiting';
  });
  const task = activity.getByTestId('activity-task');
  assert.equal(await task.count(), 1);
  assert.equal(await task.getByTestId('task-state').textContent(), 'Resize');
  assert.equal((await task.getByTestId('task-worker').textContent()).trim(), 'waiting for a worker');
  await page.screenshot({ path: join(screenshotDir, 'activities-waiting.png'), fullPage: true });

  const taken = await api('GetActivityTask', { activityArn, workerName: 'w1' });
  assert.ok(taken.taskToken, 'GetActivityTask gave no task');
  await page.reload();
  assert.equal(await activity.getByTestId('worker-name').textContent(), 'w1');
  assert.equal(await activity.getByTestId('activity-worker-hint').count(), 0);
  assert.match(await task.getByTestId('task-worker').textContent(), /taken by w1/);
  assert.equal(await activity.getByTestId('activity-started').textContent(), '1 taken');
  await page.screenshot({ path: join(screenshotDir, 'activities-taken.png'), fullPage: true });

  // The task's execution is one click away, and waits in its Resize state.
  await task.getByTestId('task-execution').click();
  await page.waitForURL(/\/executions\/\d+$/);
  assert.match(await page.locator('h1').textContent(), /photo-1/);
  assert.equal(await page.getByTestId('execution-status').textContent(), 'RUNNING');
  assert.deepEqual(errors, []);
  await page.close();
});
