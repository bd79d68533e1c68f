// Live latency of the execution page: from an event stored by the server to the browser's DOM
// showing it, over 1,000 events of a real execution. Run by `make bench` (not a test: it
// reports figures and asserts nothing about time).
//
// The machine runs 21 rounds of a 10-item Map with a one-second Wait between rounds: bursts of
// 50 events, as Map iterations come. Each event's timestamp is taken by the runtime just before
// the store commits it (millisecond precision, the format AWS uses); the page's
// MutationObserver notes when the page's last-event marker changed, on the same clock
// (performance.timeOrigin + performance.now()). The difference per event is the latency.
import { startServer, launchBrowser } from './harness.js';

const definition = JSON.stringify({
  StartAt: 'Init',
  States: {
    Init: { Type: 'Pass', Result: { round: 0, items: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }, Next: 'Fan' },
    Fan: { Type: 'Map', ItemsPath: '$.items', ResultPath: null, Next: 'Count',
      ItemProcessor: { StartAt: 'Touch', States: { Touch: { Type: 'Pass', End: true } } } },
    Count: { Type: 'Pass', Parameters: { 'round.$': 'States.MathAdd($.round, 1)', 'items.$': '$.items' }, Next: 'More?' },
    'More?': { Type: 'Choice', Choices: [{ Variable: '$.round', NumericLessThan: 21, Next: 'Pause' }], Default: 'Done' },
    Pause: { Type: 'Wait', Seconds: 1, Next: 'Fan' },
    Done: { Type: 'Succeed' },
  },
});

const server = await startServer();
const browser = await launchBrowser();
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}/`);
  // Forms go with the page's CSRF token, as the page's own forms do.
  const post = async (path, form) => {
    const token = await page.evaluate(() => document.querySelector('meta[name="csrf-token"]')?.content || '');
    const res = await page.request.post(server.url + path, { form: { ...form, _csrf: token }, headers: { 'X-CSRF-Token': token } });
    if (!res.ok()) throw new Error(`${path}: ${res.status()} ${await res.text()}`);
    return res;
  };
  await post('/machines', { name: 'latency', definition });
  const execURL = (await post('/machines/latency/executions', { input: '{}' })).url();
  const execPath = new URL(execURL).pathname;
  await page.goto(execURL);
  await page.evaluate(() => {
    window.domTimes = {};
    const root = document.getElementById('execution');
    new MutationObserver(() => {
      const id = root.dataset.lastEvent;
      if (!(id in window.domTimes)) window.domTimes[id] = performance.timeOrigin + performance.now();
    }).observe(root, { attributes: true, attributeFilter: ['data-last-event'] });
  });
  await page.waitForFunction(() => document.querySelector('[data-testid="execution-status"]')?.textContent.trim() === 'SUCCEEDED',
    null, { timeout: 120000 });
  const domTimes = await page.evaluate(() => window.domTimes);
  const history = await (await fetch(`${server.url}${execPath}/export.json`)).json();
  const events = history.events || history.history?.events || [];
  const latencies = [];
  for (const ev of events) {
    const seen = domTimes[String(ev.id)];
    if (seen === undefined) continue; // shown by the first render, before the observer
    // AWS's API gives epoch seconds; an ISO text is read as such.
    const stored = typeof ev.timestamp === 'number' ? ev.timestamp * 1000 : Date.parse(ev.timestamp);
    latencies.push(seen - stored);
  }
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  console.log(`live latency, event stored -> DOM updated, over ${latencies.length} events: ` +
    `median ${at(0.5).toFixed(1)} ms, p90 ${at(0.9).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, max ${latencies.at(-1).toFixed(1)} ms`);
  if (latencies.length < 1000) throw new Error(`only ${latencies.length} events were measured, want 1,000`);
} finally {
  await browser.close();
  await server.stop();
}
