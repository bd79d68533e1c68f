// Drop zones of the designer's canvas: where a dragged palette item or state can land. The
// server lists them with each apply ({where, target}): target is an edge of the SVG, or a
// cluster or node where the drawing has no edge (an empty branch, a new branch of a Parallel).
// Edges light up under the pointer; the other zones get a "+" marker while dragging.
const svgNS = 'http://www.w3.org/2000/svg';

export function dropZones(canvas) {
  let zones = [];
  let active = []; // zones offered to the current drag, each with its element
  let target = null;

  function highlight(zone) {
    if (target === zone) return;
    target?.el.classList.remove('drop-target');
    target = zone;
    target?.el.classList.add('drop-target');
  }

  // marker draws a "+" for a zone that is not an edge, in the coordinates of its target.
  function marker(zone, el) {
    const box = el.getBBox();
    const newBranch = Boolean(zone.where.newBranch);
    const x = newBranch ? box.x + box.width : box.x + box.width / 2;
    const y = box.y + box.height / 2;
    const g = document.createElementNS(svgNS, 'g');
    g.setAttribute('class', 'drop-marker');
    g.setAttribute('data-testid', `drop-${zone.target}`);
    const c = document.createElementNS(svgNS, 'circle');
    c.setAttribute('cx', x);
    c.setAttribute('cy', y);
    c.setAttribute('r', 9);
    const t = document.createElementNS(svgNS, 'text');
    t.setAttribute('x', x);
    t.setAttribute('y', y + 4);
    t.setAttribute('text-anchor', 'middle');
    t.textContent = '+';
    const title = document.createElementNS(svgNS, 'title');
    title.textContent = newBranch ? `a new branch of ${zone.where.newBranch}` : 'the first state here';
    g.append(title, c, t);
    el.parentNode.append(g);
    return g;
  }

  return {
    set(list) { zones = list || []; },
    // begin offers the zones that accept what is dragged (skip says which do not).
    begin(skip = () => false) {
      canvas.classList.add('dropping');
      active = [];
      for (const zone of zones) {
        if (skip(zone.where)) continue;
        const el = document.getElementById(zone.target);
        if (!el || !canvas.contains(el)) continue;
        if (zone.target.startsWith('edge-')) {
          const path = el.querySelector('path');
          if (path) active.push({ zone, el, path });
        } else {
          const m = marker(zone, el);
          active.push({ zone, el: m, point: m.querySelector('circle') });
        }
      }
    },
    // over lights up the zone nearest the pointer, within reach, and returns it (or null).
    over(x, y) {
      let best = null;
      let bestD = 40; // pixels
      for (const a of active) {
        for (const p of samples(a)) {
          const d = Math.hypot(p.x - x, p.y - y);
          if (d < bestD) { bestD = d; best = a; }
        }
      }
      highlight(best);
      return best?.zone || null;
    },
    leave() { highlight(null); },
    end() {
      const zone = target?.zone || null;
      highlight(null);
      canvas.classList.remove('dropping');
      canvas.querySelectorAll('.drop-marker').forEach((m) => m.remove());
      active = [];
      return zone;
    },
  };
}

// samples are points of a zone on the screen: along an edge's path, or a marker's centre.
function samples(a) {
  const out = [];
  if (a.point) {
    const r = a.point.getBoundingClientRect();
    out.push({ x: r.x + r.width / 2, y: r.y + r.height / 2 });
    return out;
  }
  const m = a.path.getScreenCTM();
  const len = a.path.getTotalLength();
  for (let i = 0; i <= 20; i++) {
    const p = a.path.getPointAtLength((len * i) / 20);
    out.push({ x: m.a * p.x + m.c * p.y + m.e, y: m.b * p.x + m.d * p.y + m.f });
  }
  return out;
}

// ownZone says a zone would leave a moved state where it is: its own transitions and ends.
export function ownZone(name) {
  return (w) => w.edge?.from === name || w.after === name || w.newBranch === name;
}
