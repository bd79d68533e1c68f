// How a canvas shows a graph: fitted to the panel or at a zoom, and scrolled to centre a
// state. The designer swaps the SVG after every edit; size() applies the zoom to the new one.
// The execution page uses the same view over its run graph.

// minFit is the least zoom Fit goes down to: below it a node's name cannot be read (a
// 150-state left-right chain fitted to the panel's width is a line of dots). A graph that
// fits only smaller is fitted across its short side and scrolled along its long one.
export const minFit = 0.55;

// fitZoom is Fit's zoom for a graph of natural size w×h in a panel of width pw whose height
// may grow to ph: the whole graph when that is readable (never larger than natural), else
// the cross axis (the height of a wide graph, the width of a tall one), at least minFit.
export function fitZoom(w, h, pw, ph) {
  if (!w || !h || !pw) return 1;
  const whole = Math.min(1, pw / w);
  if (whole >= minFit) return whole;
  const cross = w >= h ? Math.min(1, (ph || pw) / h) : whole;
  return Math.max(minFit, cross);
}

export function canvasView(canvas, label) {
  let zoom = null; // null: fit

  const svg = () => canvas.querySelector('svg');
  const box = () => svg()?.viewBox?.baseVal;
  // natural is the SVG's size at zoom 1: a little larger than graphviz's points.
  const natural = () => (box()?.width || 0) * 1.4;

  // The height a fitted graph may take: the canvas's max-height (a share of the window).
  function roomHeight() {
    const max = parseFloat(getComputedStyle(canvas).maxHeight);
    return Number.isFinite(max) ? max : canvas.clientHeight;
  }

  // fitted is Fit's zoom now, or null when the graph fits the panel's width readably (the
  // CSS fits it then, and follows the panel as it resizes).
  function fitted() {
    const b = box();
    if (!b?.width) return null;
    const w = b.width * 1.4;
    const z = fitZoom(w, b.height * 1.4, canvas.clientWidth, roomHeight());
    return z === Math.min(1, canvas.clientWidth / w) ? null : z;
  }

  function size() {
    const el = svg();
    const w = natural();
    const z = zoom ?? fitted();
    canvas.classList.toggle('natural', z !== null);
    if (el && w) el.style.width = `${Math.round(w * (z ?? 1))}px`;
    label.textContent = zoom === null ? 'Fit' : `${Math.round(zoom * 100)}%`;
  }

  function zoomBy(f) {
    const el = svg();
    if (!el || !natural()) return;
    const now = zoom ?? el.getBoundingClientRect().width / natural();
    zoom = Math.min(4, Math.max(0.2, now * f));
    size();
  }

  // centre scrolls the canvas (and the page, when needed) so the element is in the middle.
  function centre(id) {
    const el = id && document.getElementById(id);
    if (!el || !canvas.contains(el)) return false;
    const c = canvas.getBoundingClientRect();
    if (c.top < 0 || c.bottom > window.innerHeight) canvas.scrollIntoView({ block: 'nearest' });
    const r = el.getBoundingClientRect();
    const now = canvas.getBoundingClientRect();
    canvas.scrollBy({ left: r.x + r.width / 2 - (now.x + now.width / 2), top: r.y + r.height / 2 - (now.y + now.height / 2) });
    el.classList.add('found');
    setTimeout(() => el.classList.remove('found'), 1200);
    return true;
  }

  // A fit that is a zoom (a graph too long to fit whole) follows the window as the CSS does.
  window.addEventListener('resize', () => { if (zoom === null) size(); });

  canvas.addEventListener('wheel', (e) => {
    if (!(e.ctrlKey || e.metaKey)) return;
    e.preventDefault();
    zoomBy(e.deltaY < 0 ? 1.15 : 1 / 1.15);
  }, { passive: false });

  return {
    size,
    centre,
    fit() { zoom = null; size(); },
    zoomIn() { zoomBy(1.25); },
    zoomOut() { zoomBy(1 / 1.25); },
  };
}

// findName is the state a find box's text names: the one named so (ignoring case), else the
// first whose name contains it; '' for none.
export function findName(names, q) {
  const text = q.trim().toLowerCase();
  if (!text) return '';
  return names.find((n) => n.toLowerCase() === text) || names.find((n) => n.toLowerCase().includes(text)) || '';
}
