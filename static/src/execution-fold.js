// The execution page's model, without the DOM: the server folds the history (views/fold.go)
// and sends per event what changed; these functions only apply that and say what the graph
// shows for the whole execution or for one picked Map iteration or Parallel branch.
//
// The model is the server's snapshot (views.Snapshot): the whole execution's nodes and edges,
// the list of scopes, and counts. A picked scope is read from the server as a scope view
// (views.ScopeView) and kept up to date from the same messages.

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

function nodeState(n) {
  return n.visit ? { status: n.status, count: n.count, visit: n.visit } : { status: n.status, count: n.count };
}

// applyMessage adds one event's message (its views.Delta, the visit count) to the model and,
// when a scope is picked, to its view; a view read after the event already holds its changes.
export function applyMessage(model, scopeView, msg) {
  const delta = msg.delta || {};
  for (const n of delta.nodes || []) {
    if (n.scope === '') model.nodes[n.node] = nodeState(n);
    else if (scopeView && n.scope === scopeView.key && msg.id > scopeView.last) scopeView.nodes[n.node] = nodeState(n);
  }
  for (const e of delta.edges || []) {
    if (e.scope === '') {
      if (!model.edges.includes(e.edge)) model.edges.push(e.edge);
    } else if (scopeView && e.scope === scopeView.key && msg.id > scopeView.last && !scopeView.edges.includes(e.edge)) {
      scopeView.edges.push(e.edge);
    }
  }
  if (delta.scope && !model.scopes.some((s) => s.key === delta.scope.key)) model.scopes.push(delta.scope);
  if (msg.visits !== undefined) model.visits = msg.visits;
  model.last = Math.max(model.last, msg.id);
  return model;
}

const notRun = { status: 'notrun', count: 0 };

// viewOf says what the graph shows: inside a picked iteration or branch, its nodes and edges
// as that scope saw them; elsewhere the whole execution's. node(id).visit is the visit a
// click on the node shows: the last one entered there.
export function viewOf(model, scopeView) {
  const inside = new Set(scopeView ? scopeView.members.nodes || [] : []);
  const insideEdges = new Set(scopeView ? scopeView.members.edges || [] : []);
  const taken = new Set(model.edges.filter((e) => !insideEdges.has(e)));
  for (const e of scopeView ? scopeView.edges : []) taken.add(e);
  return {
    node(id) {
      if (inside.has(id)) return scopeView.nodes[id] || notRun;
      return model.nodes[id] || notRun;
    },
    taken,
  };
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

// sortScopes orders the iterations and branches for the picker: each Map or Parallel where it
// first appeared, its iterations and branches by number (branch 2 after branch 1, #10 after
// #9, whichever started first), and a scope just before those inside it.
export function sortScopes(scopes) {
  const parts = (key) => key.slice(1).split('/').map((p) => {
    const at = Math.max(p.lastIndexOf('#'), p.lastIndexOf('~'));
    return { name: p.slice(0, at + 1), n: Number(p.slice(at + 1)) };
  });
  // rank: where each container, inside the scope that holds it, first appeared.
  const rank = new Map();
  const parsed = scopes.map((s) => ({ s, p: parts(s.key) }));
  for (const { p } of parsed) {
    let path = '';
    for (const { name, n } of p) {
      if (!rank.has(path + name)) rank.set(path + name, rank.size);
      path += `${name}${n}/`;
    }
  }
  const compare = (a, b) => {
    let path = '';
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (a[i].name !== b[i].name) return rank.get(path + a[i].name) - rank.get(path + b[i].name);
      if (a[i].n !== b[i].n) return a[i].n - b[i].n;
      path += `${a[i].name}${a[i].n}/`;
    }
    return a.length - b.length;
  };
  return parsed.sort((x, y) => compare(x.p, y.p)).map((x) => x.s);
}
