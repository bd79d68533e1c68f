// Node ids of the graph: the server's designer.NodeID names a state's SVG node "state-" and an
// escaped name (letters, digits and "-" as they are, "_" doubled, anything else "_<hex>_"), so
// any state name makes a valid, unique id. The page goes both ways: from a clicked node to
// its state, and from a state to its node.

// unescapeName undoes designer.NodeID's escaping: "__" is "_", "_<hex>_" a code point.
export function unescapeName(s) {
  return s.replace(/_(_|[0-9a-f]+_)/g, (_, g) => (g === '_' ? '_' : String.fromCodePoint(parseInt(g, 16))));
}

// nodeIdOf is designer.NodeID: it must agree with the Go code, or clicks find no state.
export function nodeIdOf(name) {
  let id = 'state-';
  for (const ch of name) {
    if (/^[A-Za-z0-9-]$/.test(ch) || (ch.codePointAt(0) > 127 && /[\p{L}\p{Nd}]/u.test(ch))) id += ch;
    else if (ch === '_') id += '__';
    else id += `_${ch.codePointAt(0).toString(16)}_`;
  }
  return id;
}

// nameOfId is the state a node id names.
export function nameOfId(id) {
  return unescapeName(id.replace(/^state-/, ''));
}
