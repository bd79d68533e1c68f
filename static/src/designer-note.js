// Notes on the graph: a state's Comment is drawn as a note beside its node (the server draws
// it); here it is edited in place. A double-click on a note, or N with a state selected, opens
// a small text box over the note (or beside the node when it has none yet); Ctrl+Enter or
// leaving the box saves the text as one SetField of Comment (one undo step), an empty text
// deletes the field, Escape cancels.

// commentOf is the Comment of the state named name, nested states too, '' when it has none
// or the text is not JSON.
export function commentOf(text, name) {
  let doc;
  try { doc = JSON.parse(text); } catch { return ''; }
  const find = (m) => {
    for (const [n, st] of Object.entries(m?.States || {})) {
      if (n === name) return typeof st?.Comment === 'string' ? st.Comment : '';
      for (const br of [...(st?.Branches || []), st?.ItemProcessor || st?.Iterator]) {
        const c = find(br);
        if (c !== null) return c;
      }
    }
    return null;
  };
  return find(doc) || '';
}

// noteEdit is the edit that makes text the Comment of state, whose Comment was old: null when
// nothing changes. Spaces around the text are dropped: they would only widen the note.
export function noteEdit(state, old, text) {
  const value = text.trim();
  if (value === old) return null;
  if (!value) return old ? { op: 'SetField', state, field: ['Comment'], delete: true } : null;
  return { op: 'SetField', state, field: ['Comment'], value };
}

// noteEditor opens the text box for the notes of canvas: open(state, nodeId, old) puts it over
// the note of the node (or beside the node) with the comment old; save receives the edit.
export function noteEditor(canvas, save) {
  let box = null;

  function close(keep) {
    const b = box;
    if (!b) return;
    box = null;
    b.el.remove();
    if (keep) {
      const edit = noteEdit(b.state, b.old, b.el.value);
      if (edit) save(edit);
    }
  }

  function open(state, nodeId, old) {
    close(true);
    const note = canvas.querySelector(`[id="note-${nodeId}"]`);
    const node = canvas.querySelector(`[id="${nodeId}"]`);
    if (!note && !node) return false;
    const r = (note || node).getBoundingClientRect();
    const el = document.createElement('textarea');
    el.className = 'note-editor';
    el.dataset.testid = 'note-editor';
    el.setAttribute('aria-label', `Note on ${state} (its Comment): Ctrl+Enter saves, Escape cancels`);
    el.placeholder = 'A note on this state (its Comment)';
    el.value = old;
    // Fixed to the window where the note is: the canvas may be scrolled and zoomed.
    el.style.left = `${Math.round(note ? r.left : r.right + 12)}px`;
    el.style.top = `${Math.round(r.top)}px`;
    el.style.width = `${Math.round(Math.max(note ? r.width : 0, 220))}px`;
    el.style.height = `${Math.round(Math.max(note ? r.height : 0, 80))}px`;
    el.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); close(false); }
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); close(true); }
    });
    el.addEventListener('blur', () => { if (box?.el === el) close(true); });
    document.body.append(el);
    box = { el, state, old };
    el.focus();
    el.select();
    return true;
  }

  return { open, close };
}
