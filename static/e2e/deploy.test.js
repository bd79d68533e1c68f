// Deploying to another Step Functions and pulling from it, as a user does it: a second studio
// (with a user and an access key, so every call is signed) is the target; the target is added
// on /targets, a machine is deployed from its page, changed, previewed and deployed again,
// and a machine made on the target is pulled.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shot } from './harness.js';

const role = 'arn:aws:iam::123456789012:role/stepstudio-e2e';
let local;
let target;
let browser;

before(async () => {
  target = await startServer({ users: [{ name: 'deployer', password: 'deployer password', admin: true }], keys: ['deployer'] });
  local = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await local?.stop();
  await target?.stop();
});

const v1 = JSON.stringify({
  StartAt: 'Check',
  States: {
    Check: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThan: 1, Next: 'Big' }], Default: 'Small' },
    Big: { Type: 'Pass', End: true },
    Small: { Type: 'Pass', End: true },
  },
}, null, 2);
const v2 = JSON.stringify({
  StartAt: 'Check',
  States: {
    Check: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThan: 10, Next: 'Big' }], Default: 'Notify' },
    Big: { Type: 'Pass', End: true },
    Notify: { Type: 'Pass', Result: { sent: true }, End: true },
  },
}, null, 2);

async function createMachine(page, url, name, definition) {
  await page.goto(url + '/');
  await page.getByTestId('create-name').fill(name);
  await page.getByTestId('create-definition').fill(definition);
  await page.getByTestId('create-submit').click();
  await page.waitForURL(`**/machines/${name}`);
}

test('add a target, deploy, change, preview the diff, deploy again, pull', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const key = target.keys.deployer;

  // A refused form keeps what was typed, says what is wrong beside the field, and asks for
  // the secret again.
  await page.goto(local.url + '/');
  await page.getByTestId('nav-targets').click();
  await page.waitForURL('**/targets');
  await page.getByTestId('no-targets').waitFor();
  await page.getByTestId('target-form-name').fill('staging');
  await page.getByTestId('target-form-endpoint').fill(target.url);
  await page.getByTestId('target-form-region').fill('nowhere');
  await page.getByTestId('credentials-keys').check();
  await page.getByTestId('target-form-key-id').fill(key.id);
  await page.getByTestId('target-form-secret').fill(key.secret);
  await page.getByTestId('target-form-role').fill(role);
  await page.getByTestId('target-form-submit').click();
  assert.match(await page.getByTestId('problem-region').textContent(), /"nowhere" is not a region/);
  assert.equal(await page.getByTestId('target-form-name').inputValue(), 'staging');
  assert.equal(await page.getByTestId('target-form-secret').inputValue(), '');
  assert.ok(await page.getByTestId('credentials-keys').isChecked());
  await shot(page, 'deploy-target-problem.png');

  await page.getByTestId('target-form-region').fill('us-east-1');
  await page.getByTestId('target-form-secret').fill(key.secret);
  await page.getByTestId('target-form-submit').click();
  await page.waitForURL('**/targets?added=staging');
  const row = page.getByTestId('target-staging');
  assert.equal(await row.getByTestId('target-credentials').textContent(), 'access key ' + key.id);
  assert.equal(await row.getByTestId('target-role').textContent(), role);
  assert.ok(!(await page.content()).includes(key.secret), 'the page shows the secret');
  await shot(page, 'deploy-targets.png');

  // Deploy a new machine from its page.
  await createMachine(page, local.url, 'orders', v1);
  await page.getByTestId('deploy-to-staging').click();
  await page.waitForURL('**/machines/orders/deploy?target=staging');
  assert.equal(await page.getByTestId('plan-summary').textContent(), 'orders is new on staging (it will be created).');
  assert.equal(await page.getByTestId('deploy-role').inputValue(), role);
  await shot(page, 'deploy-plan-new.png');
  await page.getByTestId('deploy-alias').fill('live');
  await page.getByTestId('deploy-submit').click();
  await page.waitForURL('**/machines/orders?deployed=staging');
  const arn = 'arn:aws:states:us-east-1:123456789012:stateMachine:orders';
  assert.equal(await page.getByTestId('notice').textContent(), `Deployed version 1 to staging: version ${arn}:1, alias ${arn}:live.`);
  assert.equal(await page.getByTestId('deployment-state').textContent(), 'up to date');
  await shot(page, 'deploy-notice.png');

  // Change it: the machine page says the deployed version is behind; the preview shows the
  // target's definition against the local one, as the version diff does.
  await page.getByTestId('definition-editor').fill(v2);
  await page.getByTestId('save-definition').click();
  await page.waitForURL('**/machines/orders?saved=2');
  assert.equal(await page.getByTestId('deployment-state').textContent(), 'local version 2 differs');
  await page.getByTestId('deploy-to-staging').click();
  await page.waitForURL('**/machines/orders/deploy?target=staging');
  assert.match(await page.getByTestId('plan-summary').textContent(), /Version 2 here differs from the definition on staging/);
  assert.equal(await page.locator('#state-Check').getAttribute('data-diff'), 'changed');
  assert.equal(await page.locator('#state-Notify').getAttribute('data-diff'), 'added');
  assert.equal((await page.getByTestId('diff-removed').textContent()).trim(), 'Small');
  const added = await page.locator('.diff-line[data-kind="+"]').allTextContents();
  assert.ok(added.some((l) => l.includes('"NumericGreaterThan": 10')), added.join('\n'));
  await shot(page, 'deploy-diff.png');
  await page.getByTestId('deploy-alias').fill('live');
  await page.getByTestId('deploy-submit').click();
  await page.waitForURL('**/machines/orders?deployed=staging');
  assert.equal(await page.getByTestId('notice').textContent(), `Deployed version 2 to staging: version ${arn}:2, alias ${arn}:live.`);
  await page.goto(local.url + '/');
  assert.equal(await page.getByTestId('deployed-badge').textContent(), 'deployed: staging ✓');
  await shot(page, 'deploy-home.png');

  // A machine made on the target (by its user, on its own pages) is pulled here.
  const there = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  await there.goto(target.url + '/login');
  await there.getByLabel('Name').fill('deployer');
  await there.getByLabel('Password').fill('deployer password');
  await there.getByTestId('login-submit').click();
  await there.waitForURL(target.url + '/');
  await createMachine(there, target.url, 'billing', v1);
  await there.close();

  await page.goto(local.url + '/targets/staging');
  assert.match(await page.getByTestId('remote-billing').getByTestId('remote-local').textContent(), /not here/);
  assert.match(await page.getByTestId('remote-orders').getByTestId('remote-local').textContent(), /same as version 2/);
  await shot(page, 'deploy-pull.png');
  await page.getByTestId('remote-billing').getByTestId('pull').click();
  await page.waitForURL('**/machines/billing?**');
  assert.equal(await page.getByTestId('notice').textContent(), 'Pulled billing from staging as a new machine billing.');
  assert.equal(await page.getByTestId('definition-editor').inputValue(), v1);

  // A target that does not answer is said on its page, not a server error.
  await page.goto(local.url + '/targets');
  await page.getByTestId('target-form-name').fill('gone');
  await page.getByTestId('target-form-endpoint').fill('http://127.0.0.1:1');
  await page.getByTestId('credentials-keys').check();
  await page.getByTestId('target-form-key-id').fill(key.id);
  await page.getByTestId('target-form-secret').fill(key.secret);
  await page.getByTestId('target-form-submit').click();
  await page.waitForURL('**/targets?added=gone');
  const answer = await page.goto(local.url + '/targets/gone');
  assert.equal(answer.status(), 502);
  assert.match(await page.getByTestId('target-problem').textContent(), /the target could not be reached/);
  await shot(page, 'deploy-unreachable.png');

  // Removing a target asks first.
  for (const name of ['gone', 'staging']) {
    await page.goto(local.url + '/targets');
    page.once('dialog', (d) => d.accept());
    await page.getByTestId('target-' + name).getByTestId('target-remove').click();
    await page.waitForURL('**/targets?removed=' + name);
  }
  await page.getByTestId('no-targets').waitFor();
  await page.close();
});
