// A studio that listens beyond this machine (0.0.0.0) answers nobody without a session: pages
// send the browser to the login, JSON and websockets get 401, a post is refused; after the
// login the same requests work.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser } from './harness.js';

let server;
let browser;

before(async () => {
  server = await startServer({ addr: '0.0.0.0:0', users: [{ name: 'carol', password: 'carol password' }] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('without a session every kind of request is refused beyond loopback', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();

  // A page: to the login, and nothing of the studio shown.
  await page.goto(server.url + '/executions');
  await page.waitForURL(/\/login\?next=%2Fexecutions$/);
  assert.equal(await page.locator('[data-testid="execution-list"], #execution-list').count(), 0);

  // JSON and a post, as a script would send them: 401, and nothing created.
  const json = await page.request.get(server.url + '/machines/anything/inputs', { headers: { Accept: 'application/json' } });
  assert.equal(json.status(), 401);
  assert.match((await json.json()).error, /sign in|log in|login/i);
  const created = await page.request.post(server.url + '/machines', { form: { name: 'sneaky', definition: '' }, maxRedirects: 0 });
  assert.ok([401, 403].includes(created.status()), `a post without a session answered ${created.status()}`);

  // A websocket: refused before it opens.
  const opened = await page.evaluate((url) => new Promise((resolve) => {
    const ws = new WebSocket(url.replace('http', 'ws') + '/inbox/ws');
    ws.onopen = () => resolve(true);
    ws.onerror = () => resolve(false);
  }), server.url);
  assert.equal(opened, false, 'the inbox websocket opened without a session');

  // Signed in, the same page works, and the refused post created nothing.
  await page.getByLabel('Name').fill('carol');
  await page.getByLabel('Password').fill('carol password');
  await page.getByTestId('login-submit').click();
  await page.waitForURL(server.url + '/executions');
  await page.goto(server.url + '/');
  assert.equal(await page.getByText('sneaky').count(), 0);
  await context.close();
});
