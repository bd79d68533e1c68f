// Logins and CSRF as a browser meets them: two users in two browsers see their own names,
// one logs out; a post without the page's token, or from a page of another origin, is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, screenshotDir } from './harness.js';

const csrfMessage = 'The form is out of date or came from another site; reload the page and try again.';

let server;
let browser;

before(async () => {
  server = await startServer({ users: [
    { name: 'alice', password: 'alice password', admin: true },
    { name: 'bob', password: 'bob password' },
  ] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function logIn(name, password) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  const page = await context.newPage();
  await page.goto(server.url + '/inbox');
  await page.waitForURL(/\/login\?next=%2Finbox$/);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(server.url + '/inbox');
  return { context, page };
}

test('two users log in in two browsers and see their names; one logs out', async () => {
  const anon = await browser.newPage();
  await anon.goto(server.url + '/');
  await anon.getByLabel('Name').fill('alice');
  await anon.getByLabel('Password').fill('not her password');
  await anon.getByTestId('login-submit').click();
  assert.equal(await anon.getByTestId('login-problem').textContent(), 'The name or password is not right.');
  await anon.close();

  const alice = await logIn('alice', 'alice password');
  const bob = await logIn('bob', 'bob password');
  assert.equal(await alice.page.getByTestId('viewer-name').textContent(), 'alice');
  assert.equal(await bob.page.getByTestId('viewer-name').textContent(), 'bob');
  await alice.page.screenshot({ path: join(screenshotDir, 'auth-logged-in.png') });

  await alice.page.getByTestId('logout').click();
  await alice.page.waitForURL(server.url + '/login');
  await alice.page.goto(server.url + '/');
  assert.match(alice.page.url(), /\/login\?next=%2F$/);
  await bob.page.reload();
  assert.equal(await bob.page.getByTestId('viewer-name').textContent(), 'bob', 'bob is still logged in');

  // The page's own fetch carries the token, so the studio's scripts keep working...
  const ok = await bob.page.evaluate(async () => (await fetch('/machines/None/inputs/x', { method: 'DELETE' })).status);
  assert.equal(ok, 404, 'a DELETE through the page\'s fetch passes the CSRF check');
  // ...while a request without it, with the session cookie, is refused.
  const refused = await bob.page.evaluate(() => new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/machines');
    xhr.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded');
    xhr.onload = () => resolve({ status: xhr.status, body: xhr.responseText });
    xhr.send('name=Sneaky&definition=');
  }));
  assert.equal(refused.status, 403);
  assert.match(refused.body, /reload the page and try again/);
  await alice.context.close();
  await bob.context.close();
});

test('a form posted from a page of another origin is refused on a studio without users', async () => {
  const open = await startServer();
  try {
    const page = await browser.newPage();
    await page.goto(open.url + '/');
    assert.equal(await page.getByTestId('viewer-name').textContent(), 'local');
    const form = `<form method="post" action="${open.url}/machines"><input name="name" value="Forged">` +
      '<input name="definition" value=""><button>go</button></form>';
    await page.goto('data:text/html,' + encodeURIComponent(form));
    await page.getByRole('button', { name: 'go' }).click();
    await page.getByTestId('error-message').waitFor();
    assert.equal(await page.getByTestId('error-message').textContent(), csrfMessage);
    await page.goto(open.url + '/');
    assert.equal(await page.getByText('Forged').count(), 0, 'the forged machine was not created');
    await page.close();
  } finally {
    await open.stop();
  }
});
