// Starts the real stepstudio binary on a free port with a fresh SQLite file, and Debian's
// headless Chromium through playwright-core, for the browser tests.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const screenshotDir = join(here, 'screenshots');

// startServer starts the studio; users ([{ name, password, admin }]) are added first, which
// makes it ask for a login. addr is where it listens: beyond loopback (0.0.0.0:0) it refuses
// to start without users; the returned url then names 127.0.0.1 and the port. args are more
// serve flags (['--lambda-endpoint', url]) and env more environment variables, over the
// test's own. keys names users to make an access key pair for ("stepstudio user key"); the
// returned keys maps each to { id, secret }, to sign the Step Functions API's calls with.
export async function startServer({ users = [], keys = [], addr = '127.0.0.1:0', args = [], env = {}, db: given = '' } = {}) {
  const bin = process.env.STEPSTUDIO_BIN;
  if (!bin) throw new Error('STEPSTUDIO_BIN must name the built binary (make browser-test sets it)');
  // db, when given, is the database of a studio started before (a restart): its folder stays.
  const dir = given ? dirname(given) : mkdtempSync(join(tmpdir(), 'stepstudio-e2e-'));
  const db = given || join(dir, 'studio.db');
  for (const u of users) {
    const add = ['user', 'add', u.name, '--db', db, ...(u.admin ? ['--admin'] : [])];
    const added = spawnSync(bin, add, { input: u.password + '\n', encoding: 'utf8' });
    if (added.status !== 0) throw new Error(`user add ${u.name}: ${added.stderr}`);
  }
  const pairs = {};
  for (const name of keys) {
    const made = spawnSync(bin, ['user', 'key', name, '--db', db], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`user key ${name}: ${made.stderr}`);
    pairs[name] = {
      id: /AWS_ACCESS_KEY_ID=(\S+)/.exec(made.stdout)[1],
      secret: /AWS_SECRET_ACCESS_KEY=(\S+)/.exec(made.stdout)[1],
    };
  }
  const proc = spawn(bin, ['serve', '--addr', addr, '--db', db, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env },
  });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start in 30s:\n${out}\n${stderr}`)), 30000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve(m[1].replace(/\/\/(0\.0\.0\.0|\[::\])(?=:)/, '//127.0.0.1')); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}:\n${stderr}`)); });
  });
  let keep = false;
  return {
    url,
    db,
    keys: pairs,
    logs: () => stderr,
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
    // stopKeeping stops the studio and keeps its database, for a restart on it.
    async stopKeeping() {
      keep = true;
      await this.stop();
    },
  };
}

// eventually calls check until it returns a truthy value, and returns that value; once
// timeout ms have passed it throws, saying what it waited for. It is for what the studio does
// on its own time (an execution reaching its task, recording a decision), where a test must
// wait for a condition and never for a guessed while; a locator's waitFor does that for what
// a page shows.
export async function eventually(what, check, { timeout = 30000, interval = 50 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`waited ${timeout / 1000} s for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

export async function launchBrowser() {
  mkdirSync(screenshotDir, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

const csrfMeta = /<meta name="csrf-token" content="([^"]*)"/;

// csrfHeaders returns the X-CSRF-Token header a script's POST, PUT or DELETE needs, read
// from a page as the browser code does. request is a Playwright APIRequestContext
// (page.request), which shares the browser context's cookies.
export async function csrfHeaders(request, url) {
  const html = await (await request.get(url + '/', { headers: { Accept: 'text/html' } })).text();
  return { 'X-CSRF-Token': csrfMeta.exec(html)[1] };
}

// fetchCSRFHeaders is csrfHeaders for node's fetch, which keeps no cookies: it returns the
// cookie the token is bound to as well.
export async function fetchCSRFHeaders(url) {
  const res = await fetch(url + '/', { headers: { Accept: 'text/html' } });
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { Cookie: cookie, 'X-CSRF-Token': csrfMeta.exec(await res.text())[1] };
}

// useStudio starts a studio (startServer's options) and a browser before a file's tests and
// stops both after them; the returned object's server and browser are set once they run.
export function useStudio(options) {
  const studio = { server: null, browser: null };
  before(async () => {
    studio.server = await startServer(options);
    studio.browser = await launchBrowser();
  });
  after(async () => {
    await studio.browser?.close();
    await studio.server?.stop();
  });
  return studio;
}

// shot saves a full-page screenshot of page in screenshotDir.
export const shot = (page, name) => page.screenshot({ path: join(screenshotDir, name), fullPage: true });
