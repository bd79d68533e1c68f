// The canvas is the page: at 1400x900 the graph has the room, the palette and the inspector
// are side panels that collapse and resize and are remembered over a reload, the inspector
// shows one section at a time (a Retry edit leaves the graph where it is), the code view shows
// beside the graph or instead of it, and Format pretty-prints a minified machine, in the
// designer as an edit Undo takes back, on the machine page in its editor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStudio, shot } from './harness.js';
import { changed, designNew, documentText, editField, inspect, reveal } from './designer-page.js';

const studio = useStudio();

const minified = '{"Comment":"minified","StartAt":"Call","States":{"Call":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f","Payload.$":"$"},"Next":"Done"},"Done":{"Type":"Succeed"}}}';

async function designAt(name, definition) {
  const { context, page, errors } = await designNew(studio, name, definition);
  await page.locator('.canvas [id="state-Call"]').waitFor();
  return { context, page, errors };
}

const box = (page, id) => page.getByTestId(id).boundingBox();
const editorText = (page) => page.evaluate(() => document.getElementById('designer').designer.editor.state.doc.toString());

test('the graph has the room; panels collapse, resize and stay so over a reload', async () => {
  const { context, page, errors } = await designAt('roomy', minified);
  await inspect(page, 'Call');

  const canvas = await box(page, 'canvas');
  assert.ok(canvas.width >= 800, `the canvas is ${canvas.width} px wide with both panels open`);
  assert.ok(canvas.y + canvas.height <= 900, 'the canvas ends inside the window');
  assert.ok(canvas.height >= 450, `the canvas is ${canvas.height} px high`);
  assert.equal(await page.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight), true, 'the page does not scroll');
  await shot(page, 'designer-layout.png');

  // Collapse the palette with its button, the inspector with its key.
  await page.getByTestId('toggle-palette').click();
  assert.equal(await page.getByTestId('palette').isVisible(), false);
  assert.equal(await page.getByTestId('toggle-palette').getAttribute('aria-expanded'), 'false');
  await page.locator('body').press(']');
  assert.equal(await page.getByTestId('inspector-panel').isVisible(), false);
  const wide = await box(page, 'canvas');
  assert.ok(wide.width > canvas.width + 400, `collapsed panels give the canvas their room (${wide.width} px)`);
  await shot(page, 'designer-layout-collapsed.png');

  // Open them again; drag the inspector's edge 100 px left, and the palette's wider by the keyboard.
  await page.locator('body').press('[');
  await page.getByTestId('toggle-inspector').click();
  const inspector = await box(page, 'inspector-panel');
  const edge = await box(page, 'resize-inspector');
  await page.mouse.move(edge.x + edge.width / 2, edge.y + 200);
  await page.mouse.down();
  await page.mouse.move(edge.x + edge.width / 2 - 50, edge.y + 200, { steps: 3 });
  await page.mouse.move(edge.x + edge.width / 2 - 100, edge.y + 200, { steps: 3 });
  await page.mouse.up();
  const wider = await box(page, 'inspector-panel');
  assert.ok(Math.abs(wider.width - (inspector.width + 100)) <= 2, `the inspector is ${wider.width} px wide, was ${inspector.width}`);
  const palette = await box(page, 'palette');
  await page.getByTestId('resize-palette').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.equal(Math.round((await box(page, 'palette')).width), Math.round(palette.width + 32));
  assert.equal(await page.getByTestId('resize-palette').getAttribute('aria-valuenow'), String(180 + 32));
  await page.keyboard.press('Enter'); // collapses the palette
  assert.equal(await page.getByTestId('palette').isVisible(), false);

  await page.reload();
  await page.locator('.canvas [id="state-Call"]').waitFor();
  assert.equal(await page.getByTestId('palette').isVisible(), false, 'the collapsed palette stays collapsed');
  assert.ok(Math.abs((await box(page, 'inspector-panel')).width - wider.width) <= 1, 'the inspector keeps its width');
  await page.getByTestId('toggle-palette').click();
  assert.equal(Math.round((await box(page, 'palette')).width), Math.round(palette.width + 32), 'the palette keeps its width');

  // The help says the keys.
  await page.getByTestId('help').click();
  assert.match(await page.getByTestId('shortcuts').textContent(), /hide or show the palette, the inspector/);
  await page.keyboard.press('Escape');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the inspector shows one section at a time, and a Retry edit leaves the graph where it is', async () => {
  const { context, page, errors } = await designAt('tabbed', minified);
  await inspect(page, 'Call');
  const tabs = await page.getByTestId('inspector-tabs').getByRole('tab').allTextContents();
  assert.deepEqual(tabs, ['Configuration', 'Input/Output', 'Variables', 'Error handling', 'State JSON', 'Test state', 'Debug']);
  assert.equal(await page.getByTestId('field-Resource').isVisible(), true);
  assert.equal(await page.getByTestId('field-Parameters').isVisible(), false);

  await page.getByTestId('tab-io').click();
  assert.equal(await page.getByTestId('field-Parameters').isVisible(), true);
  assert.equal(await page.getByTestId('field-Resource').isVisible(), false);

  const graph = await box(page, 'canvas');
  const node = await page.locator('.canvas [id="state-Call"]').boundingBox();
  await page.getByTestId('tab-errors').click();
  let before = await documentText(page);
  await page.getByTestId('add-retry').click();
  await changed(page, before);
  await editField(page, 'Retry-0-MaxAttempts', '5');
  assert.equal(JSON.parse(await documentText(page)).States.Call.Retry[0].MaxAttempts, 5);
  assert.deepEqual(await box(page, 'canvas'), graph, 'the graph panel stays put');
  assert.deepEqual(await page.locator('.canvas [id="state-Call"]').boundingBox(), node, 'the state stays where it was');
  assert.equal(await page.evaluate(() => window.scrollY), 0);
  await shot(page, 'designer-layout-retry.png');

  // Another state keeps the tab when it has it, else shows its Configuration; the first
  // comes back to Error handling.
  await inspect(page, 'Done');
  assert.equal(await page.getByTestId('tab-config').getAttribute('aria-selected'), 'true');
  await inspect(page, 'Call');
  assert.equal(await page.getByTestId('tab-errors').getAttribute('aria-selected'), 'true');
  assert.equal(await page.getByTestId('retrier-0').isVisible(), true);
  await page.getByTestId('tab-json').click();
  await inspect(page, 'Done');
  assert.equal(await page.getByTestId('state-json').isVisible(), true, 'every state has its JSON tab');

  // The arrows move between tabs.
  await page.getByTestId('tab-json').focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.getByTestId('tab-test').getAttribute('aria-selected'), 'true');
  assert.equal(await (await reveal(page, 'test-state')).isVisible(), true);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Graph, Code or Both; Format pretty-prints a minified machine as an edit Undo takes back', async () => {
  const { context, page, errors } = await designAt('compact', minified);
  assert.equal(await page.getByTestId('code-view').isVisible(), false, 'the graph alone at first');

  await page.getByTestId('view-code').click();
  assert.equal(await page.getByTestId('canvas').isVisible(), false);
  assert.equal(await page.getByTestId('code-view').isVisible(), true);
  assert.equal(await page.locator('.cm-content .cm-line').count(), 1, 'minified JSON stays on one line');
  assert.equal(await editorText(page), minified, 'loading formats nothing');

  await page.getByTestId('view-both').click();
  const canvas = await box(page, 'canvas');
  const code = await box(page, 'code-view');
  assert.ok(code.x > canvas.x + canvas.width - 1, 'the code view is beside the graph');
  await page.reload();
  await page.locator('.canvas [id="state-Call"]').waitFor();
  assert.equal(await page.getByTestId('view-both').getAttribute('aria-pressed'), 'true', 'the view is remembered');
  assert.equal(await page.getByTestId('code-view').isVisible(), true);

  const before = await documentText(page);
  await page.getByTestId('format').click();
  await changed(page, before);
  const formatted = await documentText(page);
  assert.equal(formatted, JSON.stringify(JSON.parse(minified), null, 2) + '\n');
  assert.equal(await editorText(page), formatted);
  await shot(page, 'designer-layout-both.png');
  assert.ok(await page.locator('.cm-content .cm-line').count() >= 18, 'the code view shows the formatted lines');

  await page.getByTestId('undo').click();
  await changed(page, formatted);
  assert.equal(await documentText(page), minified, 'Undo restores the minified text');
  assert.equal(await editorText(page), minified);

  // V cycles the views: both, then graph.
  await page.locator('body').press('v');
  assert.equal(await page.getByTestId('view-graph').getAttribute('aria-pressed'), 'true');
  assert.equal(await page.getByTestId('code-view').isVisible(), false);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the machine page keeps minified JSON on one line and formats it on request', async () => {
  const context = await studio.browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.goto(studio.server.url + '/');
  await page.getByTestId('create-name').fill('flat');
  await page.getByTestId('create-definition').fill(minified);
  await page.getByTestId('create-submit').click();
  await page.waitForURL('**/machines/flat');
  const editor = page.getByTestId('definition-editor');
  assert.equal(await editor.inputValue(), minified, 'shown as it came in');
  const download = await (await fetch(studio.server.url + '/machines/flat/definition.asl.json')).text();
  assert.equal(download, minified, 'exported byte for byte');

  await page.getByTestId('format-definition').click();
  const formatted = JSON.stringify(JSON.parse(minified), null, 2) + '\n';
  assert.equal(await editor.inputValue(), formatted);
  await shot(page, 'machine-format.png');
  await editor.press('Control+z');
  assert.equal(await editor.inputValue(), minified, 'Ctrl+Z takes the Format back');

  // Invalid JSON is not formatted: the editor says so.
  await editor.fill('{"StartAt":');
  await page.getByTestId('format-definition').click();
  assert.equal(await editor.inputValue(), '{"StartAt":');
  assert.match(await editor.evaluate((e) => e.validationMessage), /Not valid JSON/);
  await context.close();
});
