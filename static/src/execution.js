// The execution page: keeps the graph, the table, the events and the summary live over a
// websocket. The server renders the page from its fold of the history and sends, per later
// event, what the event changed; this script only applies that (execution-fold.js), and
// reconnects from the last event it saw, so nothing is missed or repeated. The table and the
// events are read from the server a page at a time, so a history of any length opens at once.

import { applyMessage, formatMillis, scopeLabel, sortScopes, statusLabel, viewOf } from './execution-fold.js';
import { canvasView, findName } from './designer-view.js';
import { nameOfId } from './designer-names.js';
import { renderPauses } from './execution-debug.js';

const terminal = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);
const redrivable = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

// liveRefreshGap is the least time between two reads of a page of rows that events changed.
const liveRefreshGap = 300;

export function startExecutionPage(root) {
  const page = {
    root,
    id: root.dataset.executionId,
    // Where the page's requests go: /executions/ID, or a target's execution's page.
    base: root.dataset.base,
    model: JSON.parse(document.getElementById('execution-fold').textContent),
    scope: '',
    scopeView: null, // the picked scope's nodes and edges (views.ScopeView)
    selected: null, // the id of the selected visit
    selectedNode: null,
    statusEl: root.querySelector('[data-testid="execution-status"]'),
  };
  setupTabs(page);
  setupGraph(page);
  setupGraphTools(page);
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
  const live = $(page.root, 'live-indicator');
  let retry = 500;
  let pending = false;
  function connect() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}${page.base}/ws?after=${page.model.last}`);
    ws.onopen = () => { retry = 500; live.hidden = false; };
    ws.onmessage = (e) => {
      const msg = JSON.parse(e.data);
      if (msg.resync) {
        // Too far behind for the events one by one: start again from the whole picture.
        page.model = msg.resync;
        if (page.scope) loadScope(page, page.scope);
      } else {
        if (msg.id <= page.model.last) return;
        applyMessage(page.model, page.scopeView, msg);
        if (msg.pauses) page.model.pauses = msg.pauses;
        if ((msg.delta?.visits || []).some((v) => v.id === page.selected)) page.refreshDetails = true;
      }
      page.root.dataset.lastEvent = String(page.model.last);
      if (msg.execution) page.ending = msg.execution;
      page.table.stale = true;
      page.events.stale = true;
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

// render draws the model as the picked scope sees it: graph, counts, picker, and the rows of
// the table or events when they are shown and may have changed.
function render(page) {
  if (page.ending) {
    // In the same frame as the graph, so the status never runs ahead of the picture.
    showEnd(page, page.ending);
    page.ending = null;
  }
  renderGraph(page);
  renderPicker(page);
  renderPauses(page, stateNames(page));
  $(page.root, 'visit-count').textContent = String(page.model.visits);
  $(page.root, 'event-count').textContent = String(page.model.last);
  for (const list of [page.table, page.events]) {
    if (list.stale && !list.panel.hidden) list.refresh();
  }
  for (const row of $(page.root, 'visits').querySelectorAll('tr[data-visit]')) {
    row.classList.toggle('selected', Number(row.dataset.visit) === page.selected);
  }
  if (page.refreshDetails) {
    page.refreshDetails = false;
    loadDetails(page, page.selected);
  }
}

function renderGraph(page) {
  const view = viewOf(page.model, page.scopeView);
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
    node.classList.toggle('selected', page.selectedNode === node.id);
  }
  for (const edge of page.root.querySelectorAll('g.edge[id]')) {
    if (view.taken.has(edge.id)) edge.dataset.taken = 'true';
    else delete edge.dataset.taken;
  }
  const scope = page.model.scopes.find((s) => s.key === page.scope);
  for (const g of page.root.querySelectorAll('g.cluster.picked')) g.classList.remove('picked');
  if (scope) page.root.querySelector(`#container-${scope.node.replace(/^state-/, '')}`)?.classList.add('picked');
}

// pagedRows keeps one page of a table the server pages (the visits, the events): it reads
// page n with the query of the moment, swaps the rows in, and reads again when the rows may
// have changed, one request at a time and not more often than liveRefreshGap while events
// stream in.
function pagedRows(page, { panel, table, prefix, query, after }) {
  const list = { panel, page: 1, stale: false, busy: false, again: false, lastDone: 0, timer: null };
  const pager = $(panel, `${prefix}-page`);
  const prev = $(panel, `${prefix}-prev`);
  const next = $(panel, `${prefix}-next`);
  async function load() {
    if (list.busy) {
      list.again = true;
      return;
    }
    list.busy = true;
    list.stale = false;
    try {
      const res = await fetch(`${page.base}/${prefix}s?page=${list.page}&${query()}`);
      if (!res.ok) return;
      const got = new DOMParser().parseFromString(await res.text(), 'text/html').querySelector('table');
      list.page = Number(got.dataset.page);
      table.tBodies[0].replaceChildren(...got.tBodies[0].rows);
      pager.textContent = got.dataset.text;
      prev.disabled = list.page <= 1;
      next.disabled = list.page >= Number(got.dataset.pages);
      after?.();
    } finally {
      list.busy = false;
      list.lastDone = Date.now();
      if (list.again) {
        list.again = false;
        load();
      }
    }
  }
  list.load = load;
  // refresh reads the page again for live changes, waiting out the gap since the last read.
  list.refresh = () => {
    if (list.timer) return;
    list.timer = setTimeout(() => { list.timer = null; load(); }, Math.max(0, list.lastDone + liveRefreshGap - Date.now()));
  };
  prev.addEventListener('click', () => { list.page--; load(); });
  next.addEventListener('click', () => { list.page++; load(); });
  return list;
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
  for (const list of [page.table, page.events]) {
    if (list.stale && !list.panel.hidden) list.load();
  }
}

function setupGraph(page) {
  $(page.root, 'graph').addEventListener('click', (e) => {
    const node = e.target.closest('g.node.state');
    if (node) pickNode(page, node);
  });
}

// setupGraphTools zooms, fits and centres the graph with the designer's canvas view, and
// finds a state by name: Enter selects it, as a click would, and centres it.
function setupGraphTools(page) {
  const tools = $(page.root, 'graph-tools');
  const graph = $(page.root, 'graph');
  page.view = canvasView(graph, $(tools, 'zoom-level'));
  page.view.size();
  const nodes = () => [...graph.querySelectorAll('g.node.state')];
  const actions = {
    'zoom-in': () => page.view.zoomIn(),
    'zoom-out': () => page.view.zoomOut(),
    fit: () => page.view.fit(),
    centre: () => page.selectedNode && page.view.centre(page.selectedNode),
  };
  tools.addEventListener('click', (e) => {
    const b = e.target.closest('[data-view]');
    if (b) actions[b.dataset.view]();
  });
  const find = $(tools, 'find');
  // The designer's keys: + and - zoom, f fits, c centres, Ctrl+F finds; not while typing (the
  // find box, a run's input) or in a dialog.
  document.addEventListener('keydown', (e) => {
    const mod = e.ctrlKey || e.metaKey;
    if (mod && e.key.toLowerCase() === 'f') { e.preventDefault(); find.focus(); find.select(); return; }
    if (mod || e.altKey || e.target.closest?.('input, textarea, select, dialog, [contenteditable]')) return;
    const key = { '+': 'zoom-in', '=': 'zoom-in', '-': 'zoom-out', f: 'fit', c: 'centre' }[e.key];
    if (key) { e.preventDefault(); actions[key](); }
  });
  find.addEventListener('focus', () => {
    $(tools, 'find-list').replaceChildren(...nodes().map((n) => new Option(nameOfId(n.id))));
  });
  find.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const name = findName(nodes().map((n) => nameOfId(n.id)), find.value);
    find.setAttribute('aria-invalid', String(!name));
    const node = name && nodes().find((n) => nameOfId(n.id) === name);
    if (!node) return;
    pickNode(page, node);
    page.view.centre(node.id);
  });
}

// pickNode shows a node's state as a click does: its last visit, or that it has not run.
function pickNode(page, node) {
  // A state chosen on the graph is where a paused run's Run to goes.
  for (const s of page.root.querySelectorAll('[data-testid="pause-run-to-state"]')) s.value = nameOfId(node.id);
  const visit = viewOf(page.model, page.scopeView).node(node.id).visit;
  if (visit) select(page, visit, node.id);
  else showNotRun(page, node);
}

function setupTable(page) {
  const table = $(page.root, 'visits');
  page.table = pagedRows(page, {
    panel: $(page.root, 'panel-table'), table, prefix: 'visit',
    query: () => `scope=${encodeURIComponent(page.scope)}`,
    after: () => render(page),
  });
  const pick = (e) => {
    const row = e.target.closest('tr[data-visit]');
    if (row) select(page, Number(row.dataset.visit), row.dataset.node);
  };
  table.addEventListener('click', pick);
  table.addEventListener('keydown', (e) => { if (e.key === 'Enter') pick(e); });
}

// The banner's links select the state that failed, and the one that raised a caught error.
function setupFailedLink(page) {
  for (const id of ['show-failed-state', 'show-raising-state']) {
    const link = $(page.root, id);
    link.addEventListener('click', (e) => {
      e.preventDefault();
      if (!link.dataset.visit) return;
      showTab(page, 'graph');
      select(page, Number(link.dataset.visit), link.dataset.node);
      page.view?.centre(link.dataset.node);
    });
  }
}

function select(page, visitId, node) {
  page.selected = visitId;
  page.selectedNode = node || null;
  render(page);
  loadDetails(page, visitId);
}

function showNotRun(page, node) {
  page.selected = null;
  page.selectedNode = null;
  render(page);
  $(page.root, 'state-details-empty').hidden = false;
  $(page.root, 'state-details-empty').textContent = `${node.querySelector('text')?.textContent || 'This state'} has not run${page.scope ? ` in ${scopeLabel(page.scope)}` : ''}.`;
  $(page.root, 'state-details-body').replaceChildren();
}

async function loadDetails(page, visitId) {
  const body = $(page.root, 'state-details-body');
  const res = await fetch(`${page.base}/visits/${visitId}`);
  if (page.selected !== visitId) return; // another state was picked meanwhile
  $(page.root, 'state-details-empty').hidden = true;
  body.innerHTML = await res.text();
  if (!res.ok) body.innerHTML = new DOMParser().parseFromString(body.innerHTML, 'text/html').querySelector('main')?.innerHTML || body.innerHTML;
  const node = $(body, 'visit-details')?.dataset.node;
  if (node && node !== page.selectedNode) {
    page.selectedNode = node;
    render(page);
  }
}

function setupPicker(page) {
  const picker = $(page.root, 'scope-picker');
  picker.addEventListener('change', async () => {
    page.scope = picker.value;
    page.table.page = 1;
    page.table.stale = true;
    if (page.scope) await loadScope(page, page.scope);
    else page.scopeView = null;
    if (page.scope !== picker.value) return; // picked again meanwhile
    if (page.selectedNode) {
      // Keep the same state selected, as the picked iteration or branch ran it.
      const again = viewOf(page.model, page.scopeView).node(page.selectedNode).visit;
      if (again) {
        page.selected = again;
        loadDetails(page, again);
      }
    }
    render(page);
  });
}

// loadScope reads the graph of one iteration or branch as it stands now; later messages keep
// it up to date.
async function loadScope(page, key) {
  const res = await fetch(`${page.base}/scope?key=${encodeURIComponent(key)}`);
  if (!res.ok || page.scope !== key) return;
  page.scopeView = await res.json();
  render(page);
}

// renderPicker lists the iterations and branches in order (sortScopes), whatever order they
// started in; the picked one stays picked.
function renderPicker(page) {
  const picker = $(page.root, 'scope-picker');
  if (picker.options.length - 1 === page.model.scopes.length) return;
  const picked = picker.value;
  const options = sortScopes(page.model.scopes).map((s) => new Option(s.label, s.key, false, s.key === picked));
  picker.replaceChildren(picker.options[0], ...options);
}

function setupEvents(page) {
  const root = page.root;
  const table = $(root, 'events');
  const expanded = new Set(); // the ids of the events whose details are open
  page.events = pagedRows(page, {
    panel: $(root, 'panel-events'), table, prefix: 'event',
    query: () => `q=${encodeURIComponent($(root, 'event-filter').value)}`,
    after: () => {
      for (const row of table.querySelectorAll('tr.event-row')) {
        if (expanded.has(row.dataset.eventId)) toggleDetails(row);
      }
    },
  });
  let typing = null;
  $(root, 'event-filter').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => { page.events.page = 1; page.events.load(); }, 150);
  });
  const toggle = (e) => {
    const row = e.target.closest('tr.event-row');
    if (!row) return;
    if (toggleDetails(row)) expanded.add(row.dataset.eventId);
    else expanded.delete(row.dataset.eventId);
  };
  table.addEventListener('click', toggle);
  table.addEventListener('keydown', (e) => { if (e.key === 'Enter') toggle(e); });
}

// toggleDetails opens or closes an event row's details and says whether they are open.
function toggleDetails(row) {
  const next = row.nextElementSibling;
  if (next && next.classList.contains('event-details')) {
    next.remove();
    row.classList.remove('expanded');
    return false;
  }
  const details = document.createElement('tr');
  details.className = 'event-details';
  details.dataset.testid = 'event-details';
  const td = document.createElement('td');
  td.colSpan = 6;
  const pre = document.createElement('pre');
  pre.className = 'code';
  pre.textContent = row.dataset.details || '';
  td.appendChild(pre);
  details.appendChild(td);
  row.after(details);
  row.classList.add('expanded');
  return true;
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
    const link = $(root, 'show-failed-state');
    if (end.visit) {
      link.dataset.visit = String(end.visit);
      link.dataset.node = end.visitNode || '';
      link.textContent = `Show step detail (${end.visitState})`;
      link.hidden = false;
    }
    if (end.caught) {
      const raiser = $(root, 'show-raising-state');
      raiser.dataset.visit = String(end.caught.visit);
      raiser.dataset.node = end.caught.node;
      raiser.textContent = end.caught.state;
      $(root, 'caught-error-name').textContent = end.caught.error;
      $(root, 'caught-error-cause').textContent = end.caught.cause;
      $(root, 'execution-caught').hidden = false;
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

// stateNames are the states of the graph, for the debug panel's Run to here.
function stateNames(page) {
  if (!page.stateNames) {
    page.stateNames = [...page.root.querySelectorAll('[data-testid="graph"] g.node.state')].map((n) => nameOfId(n.id)).sort();
  }
  return page.stateNames;
}
