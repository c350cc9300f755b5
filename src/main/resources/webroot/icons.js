'use strict';
// Inline SVG icons (stroke paths on a 24×24 grid), so no view needs an emoji font. Any element with data-icon="name"
// gets its icon on load; code calls Icons.make(name). Icons are decorative: the text beside them names the action.
(() => {
  const P = {
    gauge: 'M12 14l4-4 M3.5 17a9 9 0 1 1 17 0 M12 14a1 1 0 1 0 0.01 0',
    home: 'M3 11l9-8 9 8 M5 10v10h5v-6h4v6h5V10',
    list: 'M8 6h13 M8 12h13 M8 18h13 M3.5 6h.01 M3.5 12h.01 M3.5 18h.01',
    calendar: 'M4 5h16v16H4z M4 10h16 M8 3v4 M16 3v4',
    pause: 'M7 4h3v16H7z M14 4h3v16h-3z',
    play: 'M6 4l14 8-14 8z',
    activity: 'M3 12h4l3-8 4 16 3-8h4',
    alert: 'M12 3l10 18H2z M12 10v5 M12 18h.01',
    bolt: 'M13 2L4 14h7l-1 8 9-12h-7z',
    heart: 'M12 21s-8-5-8-11a4.5 4.5 0 0 1 8-2.8A4.5 4.5 0 0 1 20 10c0 6-8 11-8 11z',
    refresh: 'M20 11a8 8 0 0 0-14.5-4.5L3 9 M3 4v5h5 M4 13a8 8 0 0 0 14.5 4.5L21 15 M21 20v-5h-5',
    x: 'M6 6l12 12 M18 6L6 18',
    trash: 'M4 7h16 M9 7V4h6v3 M6 7l1 13h10l1-13 M10 11v6 M14 11v6',
    search: 'M11 4a7 7 0 1 0 0 14a7 7 0 1 0 0-14z M16.5 16.5L21 21',
    'chevron-left': 'M15 5l-7 7 7 7',
    'chevron-right': 'M9 5l7 7-7 7',
    copy: 'M9 9h11v11H9z M5 15H4V4h11v1',
    move: 'M12 3v18 M3 12h18 M12 3l-3 3 M12 3l3 3 M12 21l-3-3 M12 21l3-3 M3 12l3-3 M3 12l3 3 M21 12l-3-3 M21 12l-3 3',
    film: 'M4 4h16v16H4z M8 4v16 M16 4v16 M4 8h4 M4 16h4 M16 8h4 M16 16h4',
    image: 'M4 5h16v14H4z M4 16l5-5 4 4 3-3 4 4 M15 9h.01',
    check: 'M5 12l5 5 9-10',
    clock: 'M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18z M12 7v5l3 3',
    external: 'M14 4h6v6 M20 4l-9 9 M18 14v6H4V6h6',
    back: 'M19 12H5 M11 6l-6 6 6 6',
  };
  const NS = 'http://www.w3.org/2000/svg';
  function make(name) {
    const svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    svg.setAttribute('class', 'icon icon-' + name);
    const path = document.createElementNS(NS, 'path');
    path.setAttribute('d', P[name] || P.alert);
    svg.append(path);
    return svg;
  }
  function fill(root) {
    (root || document).querySelectorAll('[data-icon]').forEach((span) => {
      if (!span.firstChild) span.append(make(span.dataset.icon));
    });
  }
  window.Icons = { make, fill };
})();
