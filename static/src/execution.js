// The execution page: keeps the graph, the table, the events and the summary live over a
// websocket. The server renders the page from its fold of the history and sends, per later
// event, what the event changed; this script only applies that (execution-fold.js), and
// reconnects from the last event it saw, so nothing is missed or repeated.

import { applyDelta, formatMillis, latestVisit, pageOf, scopeLabel, statusLabel, viewOf, visitsIn } from './execution-fold.js';

const terminal = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);
const redrivable = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

export function startExecutionPage(root) {
  const page = {
    root,
    id: root.dataset.executionId,
    model: JSON.parse(document.getElementById('execution-fold').textContent),
    scope: '',
    selected: null, // the id of the selected visit
    eventPage: 1,
    statusEl: root.querySelector('[data-testid="execution-status"]'),
  };
  setupTabs(page);
  setupGraph(page);
  setupTable(page);
  setupEvents(page);
  setupPicker(page);
  setupFailedLink(page);
  render(page);
  if (terminal.has(page.statusEl.textContent.trim())) return;
  tickDuration(page);
  listen(page);
}

function $(root, testid) {
  return root.querySelector(`[data-testid="${testid}"]`);
}

function listen(page) {
  let last = Number(page.root.dataset.lastEvent || 0);
  const live = $(page.root, 'live-indicator');
  let retry = 500;
  let pending = false;
  function connect() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/executions/${page.id}/ws?after=${last}`);
    ws.onopen = () => { retry = 500; live.hidden = false; };
    ws.onmessage = (e) => {
      const msg = JSON.parse(e.data);
      if (msg.id <= last) return;
      last = msg.id;
      page.root.dataset.lastEvent = String(last);
      applyDelta(page.model, msg.delta || {});
      appendEvent(page, msg);
      if (msg.execution) page.ending = msg.execution;
      if ((msg.delta?.visits || []).some((v) => v.id === page.selected)) page.refreshDetails = true;
      // Many events can arrive at once (a catch-up, a Map): draw once per frame.
      if (!pending) {
        pending = true;
        requestAnimationFrame(() => { pending = false; render(page); });
      }
    };
    ws.onclose = () => {
      live.hidden = true;
      if (page.ending || terminal.has(page.statusEl.textContent.trim())) return;
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10000);
    };
  }
  connect();
}

// render draws the model as the picked scope sees it: graph, table, counts, picker.
function render(page) {
  if (page.ending) {
    // In the same frame as the graph, so the status never runs ahead of the picture.
    showEnd(page, page.ending);
    page.ending = null;
  }
  renderGraph(page);
  renderTable(page);
  renderEvents(page);
  renderPicker(page);
  $(page.root, 'visit-count').textContent = String(page.model.visits.length);
  if (page.refreshDetails) {
    page.refreshDetails = false;
    loadDetails(page, page.selected);
  }
}

function renderGraph(page) {
  const view = viewOf(page.model, page.scope);
  for (const node of page.root.querySelectorAll('g.node.state')) {
    const st = view.node(node.id);
    node.dataset.status = st.status;
    const label = node.querySelector('.run-label');
    if (label) label.textContent = statusLabel(st.status);
    const count = node.querySelector('.run-count');
    if (count) {
      count.setAttribute('visibility', st.count > 1 ? 'visible' : 'hidden');
      count.querySelector('text').textContent = `×${st.count}`;
    }
    node.classList.toggle('selected', selectedNode(page) === node.id);
  }
  for (const edge of page.root.querySelectorAll('g.edge[id]')) {
    if (view.taken.has(edge.id)) edge.dataset.taken = 'true';
    else delete edge.dataset.taken;
  }
  const scope = page.model.scopes.find((s) => s.key === page.scope);
  for (const g of page.root.querySelectorAll('g.cluster.picked')) g.classList.remove('picked');
  if (scope) page.root.querySelector(`#container-${scope.node.replace(/^state-/, '')}`)?.classList.add('picked');
}

function selectedNode(page) {
  return page.model.visits.find((v) => v.id === page.selected)?.node;
}

function renderTable(page) {
  const body = $(page.root, 'visits').tBodies[0];
  const rows = visitsIn(page.model, page.scope).map((v) => {
    const row = document.createElement('tr');
    row.dataset.visit = String(v.id);
    row.dataset.status = v.status;
    row.tabIndex = 0;
    if (v.id === page.selected) row.classList.add('selected');
    const cells = [v.state, v.type, null, formatMillis(v.startedAfter), v.ended ? formatMillis(v.duration) : 'running', String(v.retries), scopeLabel(v.scope)];
    for (const text of cells) {
      const td = document.createElement('td');
      if (text === null) {
        const span = document.createElement('span');
        span.className = 'run-status';
        span.dataset.status = v.status;
        span.textContent = statusLabel(v.status);
        td.appendChild(span);
      } else {
        td.textContent = text;
      }
      row.appendChild(td);
    }
    return row;
  });
  body.replaceChildren(...rows);
}

function setupTabs(page) {
  const tabs = page.root.querySelectorAll('[role="tab"]');
  for (const tab of tabs) {
    tab.addEventListener('click', () => showTab(page, tab.dataset.tab));
  }
}

function showTab(page, name) {
  for (const tab of page.root.querySelectorAll('[role="tab"]')) tab.setAttribute('aria-selected', String(tab.dataset.tab === name));
  for (const panel of page.root.querySelectorAll('.tab-panel')) panel.hidden = panel.dataset.panel !== name;
}

function setupGraph(page) {
  $(page.root, 'graph').addEventListener('click', (e) => {
    const node = e.target.closest('g.node.state');
    if (!node) return;
    const visit = latestVisit(page.model, node.id, page.scope);
    if (visit) select(page, visit.id);
    else showNotRun(page, node);
  });
}

function setupTable(page) {
  const table = $(page.root, 'visits');
  const pick = (e) => {
    const row = e.target.closest('tr[data-visit]');
    if (row) select(page, Number(row.dataset.visit));
  };
  table.addEventListener('click', pick);
  table.addEventListener('keydown', (e) => { if (e.key === 'Enter') pick(e); });
}

function setupFailedLink(page) {
  const link = $(page.root, 'show-failed-state');
  link.addEventListener('click', (e) => {
    e.preventDefault();
    if (!link.dataset.visit) return;
    showTab(page, 'graph');
    select(page, Number(link.dataset.visit));
  });
}

function select(page, visitId) {
  page.selected = visitId;
  render(page);
  loadDetails(page, visitId);
}

function showNotRun(page, node) {
  page.selected = null;
  render(page);
  $(page.root, 'state-details-empty').hidden = false;
  $(page.root, 'state-details-empty').textContent = `${node.querySelector('text')?.textContent || 'This state'} has not run${page.scope ? ` in ${scopeLabel(page.scope)}` : ''}.`;
  $(page.root, 'state-details-body').replaceChildren();
}

async function loadDetails(page, visitId) {
  const body = $(page.root, 'state-details-body');
  const res = await fetch(`/executions/${page.id}/visits/${visitId}`);
  if (page.selected !== visitId) return; // another state was picked meanwhile
  $(page.root, 'state-details-empty').hidden = true;
  body.innerHTML = await res.text();
  if (!res.ok) body.innerHTML = new DOMParser().parseFromString(body.innerHTML, 'text/html').querySelector('main')?.innerHTML || body.innerHTML;
}

function setupPicker(page) {
  const picker = $(page.root, 'scope-picker');
  picker.addEventListener('change', () => {
    page.scope = picker.value;
    const visit = page.selected && page.model.visits.find((v) => v.id === page.selected);
    if (visit) {
      // Keep the same state selected, as the picked iteration or branch ran it.
      const again = latestVisit(page.model, visit.node, page.scope);
      page.selected = again ? again.id : page.selected;
      if (again) loadDetails(page, again.id);
    }
    render(page);
  });
}

function renderPicker(page) {
  const picker = $(page.root, 'scope-picker');
  const have = new Set([...picker.options].map((o) => o.value));
  for (const s of page.model.scopes) {
    if (have.has(s.key)) continue;
    picker.add(new Option(s.label, s.key));
  }
}

function setupEvents(page) {
  const root = page.root;
  $(root, 'event-filter').addEventListener('input', () => { page.eventPage = 1; renderEvents(page); });
  $(root, 'event-prev').addEventListener('click', () => { page.eventPage--; renderEvents(page); });
  $(root, 'event-next').addEventListener('click', () => { page.eventPage++; renderEvents(page); });
  const table = $(root, 'events');
  const toggle = (e) => {
    const row = e.target.closest('tr.event-row');
    if (row) toggleDetails(row);
  };
  table.addEventListener('click', toggle);
  table.addEventListener('keydown', (e) => { if (e.key === 'Enter') toggle(e); });
}

function toggleDetails(row) {
  const next = row.nextElementSibling;
  if (next && next.classList.contains('event-details')) {
    next.remove();
    row.classList.remove('expanded');
    return;
  }
  const details = document.createElement('tr');
  details.className = 'event-details';
  details.dataset.testid = 'event-details';
  const td = document.createElement('td');
  td.colSpan = 5;
  const pre = document.createElement('pre');
  pre.className = 'code';
  pre.textContent = row.dataset.details || '';
  td.appendChild(pre);
  details.appendChild(td);
  row.after(details);
  row.classList.add('expanded');
}

// renderEvents shows one page of the rows that pass the filter; the rows stay in the table,
// hidden, so an expanded row keeps its details.
function renderEvents(page) {
  const root = page.root;
  const rows = [...$(root, 'events').querySelectorAll('tr.event-row')];
  const items = rows.map((row) => ({ row, type: row.cells[1].textContent, state: row.cells[2].textContent }));
  const shown = pageOf(items, $(root, 'event-filter').value, page.eventPage);
  page.eventPage = shown.page;
  const visible = new Set(shown.rows.map((r) => r.row));
  for (const row of rows) {
    row.hidden = !visible.has(row);
    const next = row.nextElementSibling;
    if (next && next.classList.contains('event-details')) next.hidden = row.hidden;
  }
  $(root, 'event-page').textContent = `page ${shown.page} of ${shown.pages} · ${shown.total} events`;
  $(root, 'event-prev').disabled = shown.page <= 1;
  $(root, 'event-next').disabled = shown.page >= shown.pages;
  $(root, 'event-count').textContent = String(rows.length);
}

function appendEvent(page, msg) {
  const body = $(page.root, 'events').tBodies[0];
  const row = document.createElement('tr');
  row.className = msg.failed ? 'event-row failed' : 'event-row';
  row.dataset.eventId = String(msg.id);
  row.dataset.details = msg.details || '';
  row.tabIndex = 0;
  for (const text of [msg.id, msg.type, msg.state || '', msg.timestamp, msg.summary || '']) {
    const cell = document.createElement('td');
    cell.textContent = String(text);
    row.appendChild(cell);
  }
  row.lastChild.className = 'mono';
  body.appendChild(row);
}

// tickDuration keeps the duration counting while the execution runs.
function tickDuration(page) {
  const started = Date.parse(page.root.dataset.startedAt);
  const el = $(page.root, 'execution-duration');
  const timer = setInterval(() => {
    if (terminal.has(page.statusEl.textContent.trim())) {
      clearInterval(timer);
      return;
    }
    el.textContent = `${formatMillis(Date.now() - started)} so far`;
  }, 250);
}

function showEnd(page, end) {
  const root = page.root;
  page.statusEl.textContent = end.status;
  page.statusEl.className = `status status-${end.status}`;
  $(root, 'execution-stopped').textContent = end.stop;
  const started = Date.parse(root.dataset.startedAt);
  if (end.stopDate) $(root, 'execution-duration').textContent = formatMillis(Date.parse(end.stopDate) - started);
  $(root, 'stop-form').hidden = true;
  $(root, 'live-indicator').hidden = true; // nothing more will come

  $(root, 'redrive-form').hidden = !redrivable.has(end.status);
  if (end.status === 'SUCCEEDED') {
    $(root, 'execution-output').textContent = pretty(end.output);
    $(root, 'execution-result').hidden = false;
  }
  if (end.error || end.cause) {
    $(root, 'execution-error-name').textContent = end.error || '';
    $(root, 'execution-error-cause').textContent = end.cause || '';
    $(root, 'execution-error').hidden = false;
    const failed = [...page.model.visits].reverse().find((v) => v.status === 'failed' && (!end.state || v.state === end.state));
    const link = $(root, 'show-failed-state');
    if (failed) {
      link.dataset.visit = String(failed.id);
      link.textContent = `Show step detail (${failed.state})`;
      link.hidden = false;
    }
  }
}

function pretty(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text || '';
  }
}
