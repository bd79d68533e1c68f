// Run from here: on an execution's page, a state's panel starts a new execution from that
// state with its recorded input, edited, against the version the run used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStudio, shot, csrfHeaders } from './harness.js';

const studio = useStudio();

const flow = JSON.stringify({
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Result: 'ready', ResultPath: '$.prepared', Next: 'Charge' },
    Charge: { Type: 'Pass', Parameters: { 'amount.$': '$.amount', 'prepared.$': '$.prepared' }, End: true },
  },
});

test('run from a state with an edited input', async () => {
  const page = await studio.browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(studio.server.url + '/');
  await page.getByTestId('create-name').fill('run-from');
  await page.getByTestId('create-definition').fill(flow);
  await page.getByTestId('create-submit').click();
  await page.waitForURL('**/machines/run-from');
  const headers = await csrfHeaders(page.request, studio.server.url);
  const started = await page.request.post(`${studio.server.url}/machines/run-from/executions`, { form: { input: '{"amount": 5}' }, headers });
  assert.ok(started.ok(), `start: ${started.status()}`);
  await page.goto(started.url());
  await page.locator('[id="state-Charge"][data-status="succeeded"]').waitFor();

  await page.locator('[id="state-Charge"]').click();
  const details = page.getByTestId('visit-details').filter({ hasText: 'Charge' });
  await details.waitFor();
  await details.getByTestId('run-from').locator('summary').click();
  const input = details.getByTestId('run-from-input');
  assert.deepEqual(JSON.parse(await input.inputValue()), { amount: 5, prepared: 'ready' }, 'the visit input as recorded');
  await input.fill('{"amount": 500, "prepared": "again"}');
  await shot(page, 'run-from.png');
  await details.getByTestId('run-from-submit').click();

  await page.getByTestId('execution-start-at').waitFor();
  assert.match(await page.getByTestId('execution-start-at').textContent(), /state Charge/);
  await page.locator('[id="state-Charge"][data-status="succeeded"]').waitFor();
  assert.equal(await page.locator('[id="state-Prepare"]').getAttribute('data-status'), 'notrun');
  const exported = await (await page.request.get(page.url() + '/export.json')).json();
  assert.deepEqual(JSON.parse(exported.output), { amount: 500, prepared: 'again' });
  await page.close();
});
