// The executions list: ticking two rows to compare them, and live rows. The server renders
// every row; the page swaps in the rows it pushes over a websocket when an execution starts
// or ends, and reloads its rows after a lost connection, since changes may have been missed.
import { comparePick, addPick } from './compare-pick.js';

export function startExecutionList(root) {
  const $ = (id) => root.querySelector(`[data-testid="${id}"]`);
  let picks = [];

  function showPicks() {
    const r = comparePick(picks);
    $('compare').disabled = !r.enabled;
    $('compare').dataset.url = r.url || '';
    $('compare-hint').textContent = r.hint;
    root.querySelectorAll('[data-testid="pick"]').forEach((box) => {
      box.checked = picks.some((p) => p.id === box.value);
    });
  }
  root.addEventListener('change', (e) => {
    const box = e.target.closest('[data-testid="pick"]');
    if (!box) return;
    const pick = { id: box.value, machine: box.closest('tr').dataset.machine };
    picks = box.checked ? addPick(picks, pick) : picks.filter((p) => p.id !== pick.id);
    showPicks();
  });
  $('compare').addEventListener('click', () => {
    if ($('compare').dataset.url) window.location.assign($('compare').dataset.url);
  });

  listen(root, {
    change: (msg) => applyChange(root, msg),
    reconnected: () => reloadRows(root).then(showPicks),
  });
}

// applyChange replaces the row of a changed execution, or adds a new one at the top of the
// first page when it passes the page's filter.
function applyChange(root, msg) {
  const rows = root.querySelector('[data-testid="execution-rows"]');
  const row = rowFrom(msg.row);
  const old = rows.querySelector(`tr[data-id="${msg.id}"]`);
  if (old) {
    row.querySelector('[data-testid="pick"]').checked = old.querySelector('[data-testid="pick"]').checked;
    old.replaceWith(row);
  } else if (msg.matches && root.dataset.firstPage === 'true') {
    row.classList.add('fresh');
    rows.prepend(row);
    root.querySelector('[data-testid="executions-table"]').hidden = false;
    root.querySelector('[data-testid="no-executions"]')?.remove();
    countOne(root);
  } else {
    return;
  }
  row.classList.add('changed');
  setTimeout(() => row.classList.remove('changed', 'fresh'), 1500);
}

function rowFrom(html) {
  const t = document.createElement('template');
  t.innerHTML = `<table><tbody>${html}</tbody></table>`;
  return t.content.querySelector('tr');
}

function countOne(root) {
  const el = root.querySelector('[data-testid="execution-count"]');
  const n = parseInt(el.textContent, 10) + 1;
  el.textContent = n === 1 ? '1 execution' : `${n} executions`;
}

// reloadRows fetches this page again and takes its rows, count and pager.
async function reloadRows(root) {
  const res = await fetch(window.location.href, { headers: { Accept: 'text/html' } });
  if (!res.ok) return;
  const fresh = new DOMParser().parseFromString(await res.text(), 'text/html').getElementById('execution-list');
  if (!fresh) return;
  for (const id of ['execution-rows', 'execution-count', 'pager']) {
    root.querySelector(`[data-testid="${id}"]`).replaceWith(fresh.querySelector(`[data-testid="${id}"]`));
  }
  root.querySelector('[data-testid="executions-table"]').hidden = fresh.querySelector('[data-testid="executions-table"]').hidden;
}

// listen keeps a websocket open, reconnecting with a growing pause (up to 10 s).
function listen(root, on) {
  const flag = root.querySelector('[data-testid="live-flag"]');
  let pause = 500;
  let lost = false;
  function connect() {
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${window.location.host}${root.dataset.socket}`);
    ws.onopen = () => {
      pause = 500;
      flag.hidden = false;
      if (lost) on.reconnected();
      lost = false;
    };
    ws.onmessage = (e) => on.change(JSON.parse(e.data));
    ws.onclose = () => {
      flag.hidden = true;
      lost = true;
      setTimeout(connect, pause);
      pause = Math.min(pause * 2, 10000);
    };
  }
  connect();
}
