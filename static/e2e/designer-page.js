// What the browser tests do in the designer as a person does: drag from the palette, edit in
// the inspector.
import { join } from 'node:path';
import { screenshotDir } from './harness.js';
import { nodeIdOf } from '../src/designer-names.js';

// documentText is the document the designer holds: what it would save and export.
export const documentText = (page) => page.evaluate(() => document.getElementById('designer').designer.current());

// changed waits until the designer's document is no longer before.
export function changed(page, before) {
  return page.waitForFunction((b) => document.getElementById('designer').designer.current() !== b, before, { timeout: 30000 });
}

// designNew creates a machine through the home page's form and opens its designer at 1400x900,
// the size of a laptop's window; errors collects the page's uncaught errors.
export async function designNew(studio, name, definition) {
  const context = await studio.browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(studio.server.url + '/');
  await page.getByTestId('create-name').fill(name);
  await page.getByTestId('create-definition').fill(definition);
  await page.getByTestId('create-submit').click();
  await page.waitForURL(`**/machines/${name}`);
  await page.goto(studio.server.url + `/machines/${name}/design`);
  return { context, page, errors };
}

// dragOnto drags a palette item onto the middle of an edge of the graph, as a mouse does.
export async function dragOnto(page, item, edgeId) {
  const edge = page.locator(`[id="${edgeId}"] path`);
  await edge.waitFor({ state: 'attached' });
  const before = await documentText(page);
  await page.getByTestId(`palette-${item}`).hover();
  // Where the edge is once the palette item is in view: hovering may scroll the page.
  const p = await edge.evaluate((path) => {
    const pt = path.getPointAtLength(path.getTotalLength() / 2);
    const m = path.getScreenCTM();
    return { x: m.a * pt.x + m.c * pt.y + m.e, y: m.b * pt.x + m.d * pt.y + m.f };
  });
  await page.mouse.down();
  await page.mouse.move(p.x + 20, p.y + 20, { steps: 5 });
  await page.mouse.move(p.x, p.y, { steps: 5 });
  await page.mouse.up();
  try {
    await changed(page, before);
  } catch (err) {
    await page.screenshot({ path: join(screenshotDir, 'designer-failed-drop.png'), fullPage: true });
    throw new Error(`dropping ${item} on ${edgeId} changed nothing: ${await page.getByTestId('designer-error').textContent()}`);
  }
}

// reveal opens the inspector's tab that holds the element of a data-testid (the inspector shows
// one section at a time: Configuration, Input/Output, Variables, Error handling, State JSON,
// Test state), as a person clicks the tab first; it returns the element's locator.
export async function reveal(page, testid) {
  const el = page.getByTestId(testid).first();
  const tab = await el.evaluate((e) => e.closest('[data-tab-panel]')?.dataset.tabPanel || '');
  if (tab) await page.getByTestId(`tab-${tab}`).click();
  return el;
}

// editField types value into a field of the inspector and leaves it, which applies it.
export async function editField(page, field, value) {
  const before = await documentText(page);
  await reveal(page, `field-${field}`);
  await page.getByTestId(`field-${field}`).fill(value);
  await page.getByTestId(`field-${field}`).blur();
  await changed(page, before);
}

// inspect selects a state by clicking its node and waits for the inspector to show it.
export async function inspect(page, name) {
  await page.locator(`.canvas [id="${nodeIdOf(name)}"]`).click();
  await page.waitForFunction((n) => document.querySelector('[data-testid="inspector-state"]')?.textContent === n, name);
}

// designAt creates a machine in studio (useStudio's), opens its designer at 1400x900 and
// selects a state; errors collects the page's uncaught errors.
export async function designAt(studio, name, definition, state) {
  const opened = await designNew(studio, name, definition);
  await inspect(opened.page, state);
  return opened;
}
