// The designer's layout: the palette and the inspector are side panels around the graph that
// collapse and resize, the graph and the code view show alone or side by side, and the
// inspector's sections are tabs. Panels, view and the chosen tab are kept in localStorage, so
// a reload (or selecting another state) keeps the section being edited.
const key = 'stepstudio-designer-layout';
const tabKey = 'stepstudio-designer-tab';
const limits = { palette: [140, 420, 180], inspector: [260, 720, 340] }; // min, max, default
export const views = ['graph', 'code', 'both'];

// readLayout is the stored layout, with defaults for what is missing or out of bounds.
export function readLayout(text) {
  let s = {};
  try { s = JSON.parse(text) || {}; } catch { /* a broken entry: the defaults */ }
  const out = { view: views.includes(s.view) ? s.view : 'graph' };
  for (const [p, [, , def]] of Object.entries(limits)) {
    const w = Number(s[p]?.width);
    out[p] = { collapsed: s[p]?.collapsed === true, width: Number.isFinite(w) && w ? clamp(p, w) : def };
  }
  return out;
}

export function clamp(panel, w) {
  const [min, max] = limits[panel];
  return Math.round(Math.min(max, Math.max(min, w)));
}

// panelLayout drives the grid: changed is called after the space of the graph or the code
// view changed, so they measure again.
export function panelLayout(root, grid, changed) {
  let layout;
  try { layout = readLayout(localStorage.getItem(key)); } catch { layout = readLayout(null); }
  const save = () => { try { localStorage.setItem(key, JSON.stringify(layout)); } catch { /* kept for this page only */ } };

  function show() {
    for (const p of Object.keys(limits)) {
      const { collapsed, width } = layout[p];
      grid.style.setProperty(`--${p}-w`, collapsed ? '0px' : `${width}px`);
      grid.dataset[p] = collapsed ? 'collapsed' : 'open';
      const b = root.querySelector(`[data-action="toggle-panel"][data-panel="${p}"]`);
      b?.setAttribute('aria-expanded', String(!collapsed));
      const handle = grid.querySelector(`[data-resize="${p}"]`);
      handle?.setAttribute('aria-valuenow', String(width));
    }
    grid.dataset.view = layout.view;
    root.querySelectorAll('[data-action="view"]').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.view === layout.view)));
    changed();
  }

  function toggle(p) { layout[p].collapsed = !layout[p].collapsed; save(); show(); }
  function resize(p, w) { layout[p].width = clamp(p, w); layout[p].collapsed = false; save(); show(); }
  function setView(v) { if (views.includes(v)) { layout.view = v; save(); show(); } }

  // The edge of a panel: drag it, or focus it and press the arrows (Shift: by more), Home and
  // End; Enter collapses or opens the panel.
  grid.querySelectorAll('[data-resize]').forEach((handle) => {
    const p = handle.dataset.resize;
    const [min, max] = limits[p];
    handle.setAttribute('aria-valuemin', String(min));
    handle.setAttribute('aria-valuemax', String(max));
    const sign = p === 'palette' ? 1 : -1; // the inspector grows leftwards
    handle.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      e.preventDefault();
      handle.setPointerCapture(e.pointerId);
      const x0 = e.clientX;
      const w0 = layout[p].collapsed ? min : layout[p].width;
      const move = (m) => {
        layout[p].width = clamp(p, w0 + sign * (m.clientX - x0));
        layout[p].collapsed = false;
        show();
      };
      const up = () => {
        handle.removeEventListener('pointermove', move);
        handle.removeEventListener('pointerup', up);
        handle.removeEventListener('pointercancel', up);
        save();
      };
      handle.addEventListener('pointermove', move);
      handle.addEventListener('pointerup', up);
      handle.addEventListener('pointercancel', up);
    });
    handle.addEventListener('keydown', (e) => {
      const step = e.shiftKey ? 64 : 16;
      const by = { ArrowRight: step * sign, ArrowLeft: -step * sign }[e.key];
      if (by) resize(p, layout[p].width + by);
      else if (e.key === 'Home') resize(p, min);
      else if (e.key === 'End') resize(p, max);
      else if (e.key === 'Enter') toggle(p);
      else return;
      e.preventDefault();
      e.stopPropagation();
    });
  });

  show();
  return { toggle, setView, get view() { return layout.view; } };
}

// inspectorTabs shows one section of the inspector at a time. render is called after every
// new form: the tab chosen last is shown again when the state has it, else the first.
export function inspectorTabs(host) {
  let chosen = 'config';
  try { chosen = localStorage.getItem(tabKey) || chosen; } catch { /* storage blocked: the first tab */ }
  function render() {
    const tabs = [...host.querySelectorAll('[role="tab"]')];
    if (!tabs.length) return;
    const tab = tabs.find((t) => t.dataset.tab === chosen) || tabs[0];
    for (const t of tabs) {
      t.setAttribute('aria-selected', String(t === tab));
      t.tabIndex = t === tab ? 0 : -1;
    }
    host.querySelectorAll('[data-tab-panel]').forEach((p) => { p.hidden = p.dataset.tabPanel !== tab.dataset.tab; });
  }
  function open(name) {
    chosen = name;
    try { localStorage.setItem(tabKey, name); } catch { /* kept for this page only */ }
    render();
  }
  host.addEventListener('click', (e) => {
    const t = e.target.closest('[role="tab"]');
    if (t) open(t.dataset.tab);
  });
  // Arrows move between the tabs, as a tab list does.
  host.addEventListener('keydown', (e) => {
    const t = e.target.closest?.('[role="tab"]');
    if (!t || !['ArrowLeft', 'ArrowRight'].includes(e.key)) return;
    e.preventDefault();
    const tabs = [...host.querySelectorAll('[role="tab"]')];
    const next = tabs[(tabs.indexOf(t) + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    open(next.dataset.tab);
    next.focus();
  });
  return { render, open };
}
