// A target's execution watched from the studio, as a user does it: a second studio (a user and
// an access key, so every call is signed) is the target; a machine deployed there is started
// from the studio's list of the target's executions, and its page follows the run live while
// it waits for an approval that is given in the target's own inbox, to its end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, launchBrowser, shot, csrfHeaders } from './harness.js';

const role = 'arn:aws:iam::123456789012:role/stepstudio-e2e';
let local;
let target;
let browser;

before(async () => {
  target = await startServer({ users: [{ name: 'approver', password: 'approver password', admin: true }], keys: ['approver'] });
  local = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await local?.stop();
  await target?.stop();
});

// Items are prepared in a Map, then a person approves on the target's inbox.
const machine = JSON.stringify({
  StartAt: 'Prepare',
  States: {
    Prepare: {
      Type: 'Map', ItemsPath: '$.items', ResultPath: '$.prepared', Next: 'Approve',
      ItemProcessor: { StartAt: 'Label', States: { Label: { Type: 'Pass', Parameters: { 'item.$': '$' }, End: true } } },
    },
    Approve: {
      Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', ResultPath: '$.decision',
      Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/approvals', MessageBody: { 'token.$': '$$.Task.Token' } },
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
}, null, 2);

// stepstudio runs one of the binary's commands on the local studio's database.
function stepstudio(args, input = '') {
  const out = spawnSync(process.env.STEPSTUDIO_BIN, [...args, '--db', local.db], { input, encoding: 'utf8' });
  assert.equal(out.status, 0, `stepstudio ${args.join(' ')}: ${out.stdout}${out.stderr}`);
  return out.stdout;
}

const node = (page, state) => page.locator(`[id="state-${state}"]`);

test('a run on the target is started from the studio and followed live to its approval', async () => {
  const key = target.keys.approver;
  stepstudio(['target', 'add', 'staging', '--region', 'us-east-1', '--endpoint', target.url, '--access-key-id', key.id, '--role-arn', role], key.secret + '\n');
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const created = await page.request.post(`${local.url}/machines`, { form: { name: 'orders', definition: machine }, headers: await csrfHeaders(page.request, local.url) });
  assert.ok(created.ok(), `create: ${created.status()}`);
  assert.match(stepstudio(['deploy', 'orders', '--target', 'staging']), /deployed orders version 1 to staging/);

  // From the machine's deployments to the target's executions of it, and a start there.
  await page.goto(`${local.url}/machines/orders`);
  await page.getByTestId('deployment-runs').click();
  await page.waitForURL('**/targets/staging/machines/orders/runs');
  await page.getByTestId('remote-start-input').fill('{"items": ["a", "b", "c"]}');
  await page.getByTestId('remote-start').click();
  await page.waitForURL(/\/targets\/staging\/runs\/arn/);
  await page.getByTestId('execution-remote').filter({ hasText: 'on target staging' }).waitFor();
  await node(page, 'Approve').and(page.locator('[data-status="waiting"]')).waitFor();
  assert.equal(await page.getByTestId('execution-status').textContent(), 'RUNNING');
  await page.getByTestId('live-indicator').waitFor();
  assert.equal(await page.getByTestId('run-from').count(), 0);
  await shot(page, 'remote-run-waiting.png');

  // The approval is given on the target, in its own inbox, by its own user.
  const there = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const inbox = await there.newPage();
  await inbox.goto(target.url + '/login');
  await inbox.getByLabel('Name').fill('approver');
  await inbox.getByLabel('Password').fill('approver password');
  await inbox.getByTestId('login-submit').click();
  await inbox.waitForURL(target.url + '/');
  await inbox.goto(target.url + '/inbox/1');
  await inbox.getByTestId('approve-output').fill('{"approved": true, "by": "approver"}');
  await inbox.getByTestId('approve').click();
  await inbox.waitForURL(/\/inbox\/1\?done=approved$/);
  await there.close();

  // The studio's page follows: the run ends, the states light up, the data is there.
  await page.getByTestId('execution-status').filter({ hasText: 'SUCCEEDED' }).waitFor();
  await node(page, 'Done').and(page.locator('[data-status="succeeded"]')).waitFor();
  assert.equal(await node(page, 'Approve').getAttribute('data-status'), 'succeeded');
  await node(page, 'Approve').click();
  await page.getByTestId('visit-details').filter({ hasText: 'Approve' }).waitFor();
  assert.match(await page.getByTestId('visit-output').textContent(), /"by": "approver"/);
  // The per-step view names the token for what it is, not a made-up one.
  const steps = await page.getByTestId('visit-details').textContent();
  assert.ok(steps.includes('(the task token on the target)') && !steps.includes('teststate-token'), steps);
  await shot(page, 'remote-run-done.png');

  // Listed as ended on the target's executions.
  await page.getByTestId('remote-machine-runs').click();
  await page.getByTestId('remote-runs').filter({ hasText: 'SUCCEEDED' }).waitFor();
  assert.deepEqual(errors, []);
});
