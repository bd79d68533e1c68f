// The outline: the states as a tree (WAI-ARIA tree pattern), in document order, with the
// states of each Parallel branch and Map item processor nested under it. Arrow keys move,
// Enter selects, Shift+Enter adds to the selection to wrap, Delete and Ctrl+D act on the
// focused state, G and M wrap; it is rebuilt from the document after every edit and keeps the
// focus on the same state. Alt+Down and Alt+Up move the focused state one step later or
// earlier in the flow of its scope. act(action, state, where) does the edits: delete,
// duplicate, toggle, wrap-parallel, wrap-map, move.
import { outlineTree, later, earlier } from './designer-tree.js';

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
    addStates(tree, outlineTree(def), 1);
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
      const where = e.key === 'ArrowDown'
        ? later(siblings(li), li.dataset.state)
        : earlier(siblings(li), li.dataset.state, JSON.parse(li.parentElement.dataset.scope));
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

// siblings are the states of li's scope as designer-tree.js's later and earlier take them.
function siblings(li) {
  return [...li.parentElement.children].filter((it) => it.dataset.state).map((it) => ({ name: it.dataset.state, next: it.dataset.next }));
}

// addStates draws a scope of outlineTree as tree items under ul; the scope goes on ul for the
// edits that name it.
function addStates(ul, { scope, states }, level) {
  ul.dataset.scope = JSON.stringify(scope);
  for (const st of states) {
    const li = document.createElement('li');
    li.setAttribute('role', 'treeitem');
    li.setAttribute('aria-level', level);
    li.dataset.state = st.name;
    if (st.next !== undefined) li.dataset.next = st.next;
    // Its own name only: the states nested under it would otherwise be read as part of it.
    li.setAttribute('aria-label', `${st.name}, ${st.type || 'no Type'}`);
    li.dataset.testid = `outline-${st.name}`;
    const label = document.createElement('span');
    label.className = 'outline-label';
    label.innerHTML = '<span class="outline-name"></span> <span class="tag"></span>';
    label.firstChild.textContent = st.name;
    label.lastChild.textContent = st.type || '(no Type)';
    li.append(label);
    if (st.groups) li.setAttribute('aria-expanded', 'true');
    for (const g of st.groups || []) {
      const group = document.createElement('ul');
      group.setAttribute('role', 'group');
      group.setAttribute('aria-label', g.label);
      group.dataset.title = g.title;
      addStates(group, g, level + 1);
      li.append(group);
    }
    ul.append(li);
  }
}
