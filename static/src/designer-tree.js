// The states of a definition as a tree, without the DOM: the outline draws it, the find box
// lists its names, and the keyboard moves along it. Kept apart so Node can test what the
// outline shows for a definition (the browser only draws it).

// outlineTree lists the states of a state machine (or branch) in document order; a Parallel
// has a group per branch and a Map one for its item processor (groups is null for the other
// types, and may be empty: a Parallel with no branches yet). scope is how an edit names the
// list ({} for the top level, {parent, branch} for a branch, branch 0 left out). Broken parts
// of a definition being typed show as far as they make sense.
export function outlineTree(machine, scope = {}) {
  const states = machine && typeof machine.States === 'object' ? machine.States : {};
  return {
    scope,
    states: Object.entries(states || {}).map(([name, st]) => {
      const type = st?.Type || '';
      const item = { name, type, next: typeof st?.Next === 'string' ? st.Next : undefined, groups: null };
      const branches = type === 'Parallel' ? st.Branches : [st?.ItemProcessor || st?.Iterator];
      if ((type === 'Parallel' || type === 'Map') && Array.isArray(branches)) {
        item.groups = branches.map((br, b) => ({
          label: type === 'Map' ? `Item processor of ${name}` : `Branch ${b + 1} of ${name}`,
          title: type === 'Map' ? 'Item processor' : `Branch ${b + 1}`,
          ...outlineTree(br, b ? { parent: name, branch: b } : { parent: name }),
        }));
      }
      return item;
    }),
  };
}

// stateNames is every state's name, nested ones too, for the find box; null for text that is
// not JSON (the page keeps the last list then).
export function stateNames(text) {
  const out = [];
  const walk = (m) => {
    for (const [name, st] of Object.entries(m?.States || {})) {
      out.push(name);
      (st?.Branches || []).forEach(walk);
      walk(st?.ItemProcessor || st?.Iterator);
    }
  };
  try { walk(JSON.parse(text)); } catch { return null; }
  return out;
}

// later is where Alt+Down moves a state among siblings ({name, next} of one scope): after the
// state its Next leads to, on that state's own arrow when it has one.
export function later(siblings, name) {
  const self = siblings.find((s) => s.name === name);
  const next = self?.next && siblings.find((s) => s.name === self.next);
  if (!next) return null;
  return next.next ? { edge: { from: next.name, kind: 'next' } } : { after: next.name };
}

// earlier is where Alt+Up moves a state: before the state that leads to it, that is on the
// arrow into that state, or at the start of the scope when nothing leads there.
export function earlier(siblings, name, scope) {
  const prev = siblings.find((s) => s.next === name);
  if (!prev) return null;
  const before = siblings.find((s) => s.next === prev.name);
  return before ? { edge: { from: before.name, kind: 'next' } } : { start: scope };
}
