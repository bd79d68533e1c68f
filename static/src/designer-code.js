// Where a state is in the code view: the state's "Name": {…} property, found in the JSON
// syntax tree CodeMirror keeps (top-level States, Parallel Branches, Map ItemProcessor or
// Iterator, at any depth), so selecting a state on the graph can show its JSON.
import { ensureSyntaxTree } from '@codemirror/language';

export function stateRange(state, name) {
  const tree = ensureSyntaxTree(state, state.doc.length, 200);
  if (!tree) return null;
  const text = (n) => state.doc.sliceString(n.from, n.to);
  const key = (p) => {
    const k = p.getChild('PropertyName');
    try { return k ? JSON.parse(text(k)) : null; } catch { return null; }
  };
  const children = (n, type) => {
    const out = [];
    for (let c = n?.firstChild; c; c = c.nextSibling) if (c.name === type) out.push(c);
    return out;
  };
  const field = (obj, name) => children(obj, 'Property').find((p) => key(p) === name)?.lastChild || null;

  function search(machine) {
    const states = field(machine, 'States');
    for (const p of children(states, 'Property')) {
      if (key(p) === name) return { from: p.from, to: p.to };
      const st = p.lastChild;
      for (const branch of children(field(st, 'Branches'), 'Object')) {
        const hit = search(branch);
        if (hit) return hit;
      }
      for (const inner of ['ItemProcessor', 'Iterator']) {
        const hit = field(st, inner) && search(field(st, inner));
        if (hit) return hit;
      }
    }
    return null;
  }
  return search(tree.topNode.getChild('Object'));
}
