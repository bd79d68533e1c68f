// The execution page's model, without the DOM: the server folds the history (views/fold.go)
// and sends per event what changed; these functions only apply that and select what a scope
// (the whole execution, one Map iteration, one Parallel branch) shows.

// The icon and word of each status, as views.StatusLabel gives them.
export const STATUS_LABELS = {
  running: '▶ in progress',
  waiting: '‖ waiting for callback',
  succeeded: '✔ succeeded',
  failed: '✖ failed',
  caught: '⚠ caught error',
  aborted: '⊘ aborted',
  notrun: '○ not run',
};

export function statusLabel(status) {
  return STATUS_LABELS[status] || STATUS_LABELS.notrun;
}

// formatMillis is views.FormatMillis: "350 ms", "2.5 s", "3 min 20 s", "1 h 5 min".
export function formatMillis(ms) {
  ms = Math.max(0, Math.floor(ms));
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(3).replace(/0{1,2}$/, '')} s`;
  if (ms < 3600000) return `${Math.floor(ms / 60000)} min ${Math.floor((ms % 60000) / 1000)} s`;
  return `${Math.floor(ms / 3600000)} h ${Math.floor((ms % 3600000) / 60000)} min`;
}

// applyDelta adds one event's changes (views.Delta) to the model (views.Snapshot).
export function applyDelta(model, delta) {
  for (const n of delta.nodes || []) {
    model.nodes[n.scope] ||= {};
    model.nodes[n.scope][n.node] = { status: n.status, count: n.count };
  }
  for (const e of delta.edges || []) {
    model.edges[e.scope] ||= [];
    if (!model.edges[e.scope].includes(e.edge)) model.edges[e.scope].push(e.edge);
  }
  if (delta.scope && !model.scopes.some((s) => s.key === delta.scope.key)) model.scopes.push(delta.scope);
  for (const v of delta.visits || []) {
    const i = model.visits.findIndex((old) => old.id === v.id);
    if (i >= 0) model.visits[i] = v;
    else model.visits.push(v);
  }
  return model;
}

const notRun = { status: 'notrun', count: 0 };

// viewOf says what the graph shows for a scope: inside a picked iteration or branch, its
// nodes and edges as that scope saw them; elsewhere the whole execution's.
export function viewOf(model, key) {
  const all = model.nodes[''] || {};
  const scope = key ? model.scopes.find((s) => s.key === key) : null;
  const inside = new Set(scope ? scope.members.nodes || [] : []);
  const insideEdges = new Set(scope ? scope.members.edges || [] : []);
  const scoped = (scope && model.nodes[key]) || {};
  const taken = new Set((model.edges[''] || []).filter((e) => !insideEdges.has(e)));
  for (const e of (scope && model.edges[key]) || []) taken.add(e);
  return {
    node(id) {
      if (inside.has(id)) return scoped[id] || notRun;
      return all[id] || notRun;
    },
    taken,
  };
}

// visitsIn are the visits in a scope and the scopes inside it.
export function visitsIn(model, key) {
  if (!key) return model.visits;
  return model.visits.filter((v) => v.scope === key || v.scope.startsWith(`${key}/`));
}

// latestVisit is the last visit of a node in a scope, or undefined.
export function latestVisit(model, node, key) {
  const visits = visitsIn(model, key);
  for (let i = visits.length - 1; i >= 0; i--) if (visits[i].node === node) return visits[i];
  return undefined;
}

// scopeLabel is views.scopeLabel: "/Map#3/Inner~1" reads "Map #3 › Inner branch 2".
export function scopeLabel(key) {
  if (!key) return '';
  return key.slice(1).split('/').map((p) => {
    const hash = p.lastIndexOf('#');
    if (hash >= 0) return `${p.slice(0, hash)} #${p.slice(hash + 1)}`;
    const tilde = p.lastIndexOf('~');
    return `${p.slice(0, tilde)} branch ${Number(p.slice(tilde + 1)) + 1}`;
  }).join(' › ');
}

// pageOf filters the event rows ({type, state}) by text and cuts out page n (from 1) of
// size rows; it clamps n to the pages there are.
export function pageOf(rows, text, n, size = 25) {
  const needle = text.trim().toLowerCase();
  const kept = needle ? rows.filter((r) => `${r.type} ${r.state}`.toLowerCase().includes(needle)) : rows;
  const pages = Math.max(1, Math.ceil(kept.length / size));
  const page = Math.min(Math.max(1, n), pages);
  return { rows: kept.slice((page - 1) * size, page * size), page, pages, total: kept.length };
}
