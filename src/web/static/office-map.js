// The map of /map: Leaflet (served from our /static/leaflet/) with OpenStreetMap tiles, one marker
// per office of the list beside it, its popup holding the office's name, address, hours and
// phone as the list shows them. The page's CSP admits the tile server on this page only. Without
// JavaScript, or if Leaflet did not load, the map stays hidden and the list stands alone; without
// network the tiles stay grey and the markers still show where the offices are.
(() => {
  const box = document.getElementById('office-map');
  const offices = [...document.querySelectorAll('article.office[data-lat]')];
  const L = window.L;
  if (!box || offices.length === 0 || !L) return;
  box.hidden = false;
  const map = L.map(box, { scrollWheelZoom: false });
  L.tileLayer(box.dataset.tiles, {
    maxZoom: 19,
    attribution: box.dataset.attribution,
    // The tile server asks to know the site its tiles are shown on: send our origin, nothing more.
    referrerPolicy: 'strict-origin',
  }).addTo(map);
  map.attributionControl.setPrefix(false);
  const points = [];
  for (const office of offices) {
    const at = [Number(office.dataset.lat), Number(office.dataset.lon)];
    points.push(at);
    const name = office.querySelector('.office-name')?.textContent ?? '';
    // The popup is a copy of the office's entry (text nodes only, no HTML built from strings).
    const popup = document.createElement('div');
    popup.className = 'office-popup';
    const title = document.createElement('strong');
    title.textContent = name;
    popup.append(title);
    for (const part of office.querySelectorAll('.office-address, .office-hours, .office-phone')) {
      const line = document.createElement('p');
      line.textContent = part.textContent;
      popup.append(line);
    }
    L.marker(at, {
      title: name,
      alt: name,
      icon: L.divIcon({
        className: `office-pin office-pin-${office.dataset.kind}`,
        iconSize: [22, 22],
        iconAnchor: [11, 11],
        popupAnchor: [0, -10],
      }),
    })
      .bindPopup(popup)
      .addTo(map);
  }
  map.fitBounds(points, { padding: [30, 30], maxZoom: 15 });
})();
