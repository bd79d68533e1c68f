// Comparing two versions of a machine from its version list: the newer graph marks added and
// changed states, the removed ones are listed, and the JSON diff is beside it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStudio, shot } from './harness.js';

const studio = useStudio();

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

test('the changes of a version, from the machine page', async () => {
  const page = await studio.browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(studio.server.url + '/');
  await page.getByTestId('create-name').fill('diffed');
  await page.getByTestId('create-definition').fill(v1);
  await page.getByTestId('create-submit').click();
  await page.waitForURL('**/machines/diffed');
  await page.getByTestId('definition-editor').fill(v2);
  await page.getByTestId('save-definition').click();
  await page.waitForURL('**/machines/diffed?saved=2');

  await page.getByTestId('changes-2').click();
  await page.waitForURL('**/machines/diffed/diff?from=1&to=2');
  assert.equal(await page.locator('#state-Check').getAttribute('data-diff'), 'changed');
  assert.equal(await page.locator('#state-Notify').getAttribute('data-diff'), 'added');
  assert.equal(await page.locator('#state-Big').getAttribute('data-diff'), null);
  assert.equal((await page.getByTestId('diff-removed').textContent()).trim(), 'Small');
  const added = await page.locator('.diff-line[data-kind="+"]').allTextContents();
  assert.ok(added.some((l) => l.includes('"NumericGreaterThan": 10')), added.join('\n'));
  await shot(page, 'version-diff.png');

  // The pickers compare any two; the same version twice is the same document.
  await page.getByTestId('diff-from').selectOption('2');
  await page.getByRole('button', { name: 'Compare' }).click();
  await page.getByTestId('diff-same').waitFor();
  await page.close();
});
