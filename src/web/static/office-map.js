// Draws a small schematic map of the offices listed on /map (same-origin script, no external
// tiles, so it works under the page's CSP and offline). Without JavaScript the list stands alone.
(() => {
  const box = document.getElementById('office-map');
  const items = [...document.querySelectorAll('article.office[data-lat]')];
  if (!box || items.length === 0 || !document.createElementNS) return;
  const pts = items.map((el) => ({
    el,
    lat: Number(el.dataset.lat),
    lon: Number(el.dataset.lon),
    name: el.dataset.name || '',
    kind: el.dataset.kind,
  }));
  const lats = pts.map((p) => p.lat);
  const lons = pts.map((p) => p.lon);
  const pad = 0.004;
  const minLat = Math.min(...lats) - pad;
  const maxLat = Math.max(...lats) + pad;
  const minLon = Math.min(...lons) - pad;
  const maxLon = Math.max(...lons) + pad;
  // Longitude degrees are shorter at this latitude: keep the aspect ratio true.
  const k = Math.cos(((minLat + maxLat) / 2) * (Math.PI / 180));
  const W = 360;
  const H = Math.min(420, Math.max(220, Math.round((W * (maxLat - minLat)) / ((maxLon - minLon) * k))));
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', box.dataset.title || '');
  const title = document.createElementNS(NS, 'title');
  title.textContent = box.dataset.title || '';
  svg.appendChild(title);
  for (const p of pts) {
    const x = 10 + ((p.lon - minLon) / (maxLon - minLon)) * (W - 20);
    const y = 10 + (1 - (p.lat - minLat) / (maxLat - minLat)) * (H - 20);
    const a = document.createElementNS(NS, 'a');
    a.setAttribute('href', `#${p.el.id}`);
    const dot = document.createElementNS(NS, 'circle');
    dot.setAttribute('cx', String(x));
    dot.setAttribute('cy', String(y));
    dot.setAttribute('r', '7');
    dot.setAttribute('fill', p.kind === 'office' ? '#0b5c9e' : '#1d7a3a');
    const label = document.createElementNS(NS, 'text');
    // Labels go to the side with more room, so none runs off the map.
    const right = x < W / 2;
    label.setAttribute('x', String(right ? x + 11 : x - 11));
    label.setAttribute('text-anchor', right ? 'start' : 'end');
    label.setAttribute('y', String(y + 5));
    label.setAttribute('font-size', '13');
    label.setAttribute('fill', '#1c2430');
    label.textContent = p.name;
    a.appendChild(dot);
    a.appendChild(label);
    svg.appendChild(a);
  }
  box.appendChild(svg);
  box.hidden = false;
})();
