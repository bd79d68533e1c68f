// The outline: the states as a tree (WAI-ARIA tree pattern), in document order, with the
// states of each Parallel branch and Map item processor nested under it. Arrow keys move,
// Enter selects, Shift+Enter adds to the selection to wrap, Delete and Ctrl+D act on the
// focused state, G and M wrap; it is rebuilt from the document after every edit and keeps the
// focus on the same state. Alt+Down and Alt+Up move the focused state one step later or
// earlier in the flow of its scope. act(action, state, where) does the edits: delete,
// duplicate, toggle, wrap-parallel, wrap-map, move.
export function outline(tree, { select, act }) {
  let focusName = '';
  tree.setAttribute('aria-multiselectable', 'true');

  function items() { return [...tree.querySelectorAll('[role="treeitem"]')]; }
  function focus(li) {
    if (!li) return;
    items().forEach((it) => it.setAttribute('tabindex', '-1'));
    li.setAttribute('tabindex', '0');
    li.focus();
    focusName = li.dataset.state;
  }

  // mark shows the selected state and the states selected to wrap.
  function mark(selected, multi) {
    for (const it of items()) it.setAttribute('aria-selected', String(it.dataset.state === selected || multi.has(it.dataset.state)));
  }

  function render(text, selected, multi) {
    let def;
    try { def = JSON.parse(text); } catch { return; }
    const hadFocus = tree.contains(document.activeElement);
    tree.innerHTML = '';
    addStates(tree, def, 1);
    mark(selected, multi);
    const all = items();
    if (all.length === 0) { tree.innerHTML = '<li class="empty" role="none">No states.</li>'; return; }
    const keep = all.find((it) => it.dataset.state === (hadFocus ? focusName : selected)) || all[0];
    all.forEach((it) => it.setAttribute('tabindex', it === keep ? '0' : '-1'));
    if (hadFocus) focus(keep);
  }

  tree.addEventListener('focusin', (e) => {
    const li = e.target.closest('[role="treeitem"]');
    if (li) focusName = li.dataset.state;
  });
  tree.addEventListener('click', (e) => {
    const li = e.target.closest('[role="treeitem"]');
    if (!li) return;
    focus(li);
    if (e.shiftKey) act('toggle', li.dataset.state); else select(li.dataset.state);
  });
  tree.addEventListener('keydown', (e) => {
    const li = e.target.closest('[role="treeitem"]');
    if (!li) return;
    const all = items();
    const i = all.indexOf(li);
    const mod = e.ctrlKey || e.metaKey;
    let handled = true;
    if (e.altKey && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      const where = (e.key === 'ArrowDown' ? later : earlier)(li);
      if (where) act('move', li.dataset.state, where);
    } else if (e.key === 'ArrowDown') focus(all[i + 1]);
    else if (e.key === 'ArrowUp') focus(all[i - 1]);
    else if (e.key === 'Home') focus(all[0]);
    else if (e.key === 'End') focus(all[all.length - 1]);
    else if (e.key === 'ArrowRight') focus(li.querySelector('[role="treeitem"]'));
    else if (e.key === 'ArrowLeft') focus(li.parentElement.closest('[role="treeitem"]'));
    else if ((e.key === 'Enter' || e.key === ' ') && e.shiftKey) act('toggle', li.dataset.state);
    else if (e.key === 'Enter' || e.key === ' ') select(li.dataset.state);
    else if (!mod && (e.key === 'g' || e.key === 'm')) act(e.key === 'g' ? 'wrap-parallel' : 'wrap-map');
    else if (e.key === 'Delete') { focusName = (all[i + 1] || all[i - 1])?.dataset.state || ''; act('delete', li.dataset.state); } else if (mod && e.key.toLowerCase() === 'd') act('duplicate', li.dataset.state);
    else handled = false;
    if (handled) { e.preventDefault(); e.stopPropagation(); }
  });

  return { render, mark };
}

// later is where Alt+Down moves a state: after the state its Next leads to.
function later(li) {
  const next = sibling(li, li.dataset.next);
  if (!next) return null;
  return next.dataset.next ? { edge: { from: next.dataset.state, kind: 'next' } } : { after: next.dataset.state };
}

// earlier is where Alt+Up moves a state: before the state that leads to it.
function earlier(li) {
  const name = li.dataset.state;
  const prev = siblings(li).find((it) => it.dataset.next === name);
  if (!prev) return null;
  const before = siblings(li).find((it) => it.dataset.next === prev.dataset.state);
  return before ? { edge: { from: before.dataset.state, kind: 'next' } } : { start: JSON.parse(li.parentElement.dataset.scope) };
}

function siblings(li) { return [...li.parentElement.children].filter((it) => it.dataset.state); }
function sibling(li, name) { return name ? siblings(li).find((it) => it.dataset.state === name) : null; }

// addStates lists the states of a state machine (or branch) as tree items under ul; scope is
// how an edit names it ({} for the top level, {parent, branch} for a branch).
function addStates(ul, machine, level, scope = {}) {
  ul.dataset.scope = JSON.stringify(scope);
  const states = machine && typeof machine.States === 'object' ? machine.States : {};
  for (const [name, st] of Object.entries(states)) {
    const li = document.createElement('li');
    li.setAttribute('role', 'treeitem');
    li.setAttribute('aria-level', level);
    li.dataset.state = name;
    if (typeof st?.Next === 'string') li.dataset.next = st.Next;
    // Its own name only: the states nested under it would otherwise be read as part of it.
    li.setAttribute('aria-label', `${name}, ${st?.Type || 'no Type'}`);
    li.dataset.testid = `outline-${name}`;
    const label = document.createElement('span');
    label.className = 'outline-label';
    const type = st?.Type || '(no Type)';
    label.innerHTML = '<span class="outline-name"></span> <span class="tag"></span>';
    label.firstChild.textContent = name;
    label.lastChild.textContent = type;
    li.append(label);
    const branches = type === 'Parallel' ? st.Branches : [st?.ItemProcessor || st?.Iterator];
    if ((type === 'Parallel' || type === 'Map') && Array.isArray(branches)) {
      li.setAttribute('aria-expanded', 'true');
      branches.forEach((br, b) => {
        const group = document.createElement('ul');
        group.setAttribute('role', 'group');
        group.setAttribute('aria-label', type === 'Map' ? `Item processor of ${name}` : `Branch ${b + 1} of ${name}`);
        group.dataset.title = type === 'Map' ? 'Item processor' : `Branch ${b + 1}`;
        addStates(group, br, level + 1, b ? { parent: name, branch: b } : { parent: name });
        li.append(group);
      });
    }
    ul.append(li);
  }
}
