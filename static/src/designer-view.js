// How the canvas shows the graph: fitted to the panel's width or at a zoom, and scrolled to
// centre a state. The SVG is swapped after every edit; size() applies the zoom to the new one.
export function canvasView(canvas, label) {
  let zoom = null; // null: fit the panel's width

  const svg = () => canvas.querySelector('svg');
  // natural is the SVG's width at zoom 1: a little larger than graphviz's points.
  const natural = () => (svg()?.viewBox?.baseVal?.width || 0) * 1.4;

  function size() {
    const el = svg();
    const w = natural();
    canvas.classList.toggle('natural', zoom !== null);
    if (el && w) el.style.width = `${Math.round(w * (zoom ?? 1))}px`;
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
