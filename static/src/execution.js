// The execution page: keeps the graph, the status and the history live over a websocket.
// The server renders the page as it stands; this script only applies the events that come
// after it, and reconnects from the last event it saw, so nothing is missed or repeated.

const terminal = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

export function startExecutionPage(root) {
  let last = Number(root.dataset.lastEvent || 0);
  const statusEl = root.querySelector('[data-testid="execution-status"]');
  if (terminal.has(statusEl.textContent.trim())) return;

  const live = root.querySelector('[data-testid="live-indicator"]');
  let retry = 500;

  function connect() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/executions/${root.dataset.executionId}/ws?after=${last}`);
    ws.onopen = () => { retry = 500; live.hidden = false; };
    ws.onmessage = (e) => {
      const msg = JSON.parse(e.data);
      if (msg.id <= last) return;
      last = msg.id;
      root.dataset.lastEvent = String(last);
      applyEvent(root, msg);
    };
    ws.onclose = () => {
      live.hidden = true;
      if (terminal.has(statusEl.textContent.trim())) return;
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10000);
    };
  }
  connect();
}

export function applyEvent(root, msg) {
  if (msg.node && msg.status) {
    const node = document.getElementById(msg.node);
    if (node) node.dataset.status = msg.status;
  }
  appendEventRow(root, msg);
  if (msg.execution) showEnd(root, msg.execution);
}

function appendEventRow(root, msg) {
  const body = root.querySelector('[data-testid="events"] tbody');
  const row = document.createElement('tr');
  row.dataset.eventId = String(msg.id);
  for (const text of [msg.id, msg.type, msg.state || '', msg.timestamp, msg.summary || '']) {
    const cell = document.createElement('td');
    cell.textContent = String(text);
    row.appendChild(cell);
  }
  row.lastChild.className = 'mono';
  body.appendChild(row);
}

function showEnd(root, end) {
  const statusEl = root.querySelector('[data-testid="execution-status"]');
  statusEl.textContent = end.status;
  statusEl.className = `status status-${end.status}`;
  root.querySelector('[data-testid="execution-stopped"]').textContent = ` · ended ${end.stop}`;
  if (end.status === 'SUCCEEDED') {
    root.querySelector('[data-testid="execution-output"]').textContent = pretty(end.output);
    root.querySelector('[data-testid="execution-result"]').hidden = false;
  }
  if (end.error || end.cause) {
    root.querySelector('[data-testid="execution-error-name"]').textContent = end.error || '';
    root.querySelector('[data-testid="execution-error-cause"]').textContent = end.cause || '';
    root.querySelector('[data-testid="execution-error"]').hidden = false;
  }
}

function pretty(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text || '';
  }
}
