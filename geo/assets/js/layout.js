/* geo atlas, layout.js: the page on every screen.  The first view fits every place
 * into the part of the map that the controls leave free (refitted on resize until the
 * reader moves the map), a popup opens where nothing covers it, and on a narrow screen
 * (a phone) the legend, the timeline and the layers fold into one menu.
 * freeRect() is pure (unit-tested in node); Layout(app) wires the rest.
 */
(function (lib) {
  'use strict';

  var NARROW = '(max-width: 640px)'; // as atlas.css's @media: a phone
  var MARGIN = 26; // px kept free around a fitted place: half the largest cluster icon, and a gap
  var GAP = 4; // px kept between a control and what avoids it
  var MAX_RECTS = 12; // controls weighed one by one (2^n choices); more are not looked at
  var FIT_MAX_ZOOM = 6;
  var FILL = 0.75; // a first view whose world is shorter than this share of the map fills it (fillView)
  var MINIMAP_ROOM = 136; // px the minimap takes above the attribution line, with its margins

  /**
   * The free rectangle of a W x H box that avoids every rect ({left, top, right,
   * bottom}, box pixels): each rect is kept out either across (the box's nearer side,
   * left or right) or along (top or bottom).  Of the 2^n choices, the one that
   * score(free) rates highest wins; ties go to the larger area.
   */
  function freeRect(W, H, rects, score) {
    var inside = rects.filter(function (r) {
      return r.right > 0 && r.left < W && r.bottom > 0 && r.top < H && r.right > r.left && r.bottom > r.top;
    }).slice(0, MAX_RECTS);
    var n = inside.length;
    var best = { left: 0, top: 0, right: W, bottom: H };
    var bestScore = -Infinity, bestArea = -1;
    for (var mask = 0; mask < (1 << n); mask++) {
      var f = { left: 0, top: 0, right: W, bottom: H };
      for (var i = 0; i < n; i++) {
        var r = inside[i];
        if (mask & (1 << i)) {
          if (r.left + r.right < W) f.left = Math.max(f.left, r.right); else f.right = Math.min(f.right, r.left);
        } else if (r.top + r.bottom < H) {
          f.top = Math.max(f.top, r.bottom);
        } else {
          f.bottom = Math.min(f.bottom, r.top);
        }
      }
      var area = Math.max(0, f.right - f.left) * Math.max(0, f.bottom - f.top);
      if (!area) continue;
      var s = score(f);
      if (s > bestScore || (s === bestScore && area > bestArea)) {
        best = f;
        bestScore = s;
        bestArea = area;
      }
    }
    return best;
  }

  /**
   * The zoom (a multiple of `snap`, at most `max`) at which a box of bw x bh pixels at
   * zoom 0 fits a free rectangle with `margin` pixels on each side; -Infinity if none.
   */
  function fitZoom(f, bw, bh, margin, snap, max) {
    var w = f.right - f.left - 2 * margin;
    var hgt = f.bottom - f.top - 2 * margin;
    if (w <= 0 || hgt <= 0) return -Infinity;
    var z = Math.min(Math.log2(w / Math.max(bw, 1e-9)), Math.log2(hgt / Math.max(bh, 1e-9)));
    return Math.min(max, Math.floor(z / snap) * snap);
  }

  /** Whether the page is laid out for a narrow screen. */
  function narrow() {
    return !!window.matchMedia && window.matchMedia(NARROW).matches;
  }

  /** Rects (map container pixels, widened by GAP) of what covers the map: controls, menu, sheet. */
  function obstacles(app) {
    var container = app.map.getContainer();
    var box = container.getBoundingClientRect();
    var els = [].slice.call(container.querySelectorAll('.leaflet-control-container .leaflet-control'));
    els = els.concat([].slice.call(document.querySelectorAll('.atlas-menu-panel:not([hidden]), .atlas-sheet:not([hidden])')));
    var out = [];
    els.forEach(function (el) {
      if (el.closest('.atlas-menu-panel') && !el.classList.contains('atlas-menu-panel')) return;
      var r = el.getBoundingClientRect();
      if (!r.width || !r.height) return;
      out.push({ left: r.left - box.left - GAP, top: r.top - box.top - GAP, right: r.right - box.left + GAP, bottom: r.bottom - box.top + GAP });
    });
    return out;
  }

  // ---- the first view

  /**
   * The x-span {from, to} of the places (xs, pixels; ranks: their kinds' order in the
   * legend) that a window `width` pixels wide holds at best: the most of the first
   * kind, then of the second, and so on; ties go to the window nearest `centre`.
   * null when there is no place.
   */
  function bestWindow(xs, ranks, width, centre) {
    var order = xs.map(function (x, i) { return i; }).sort(function (a, b) { return xs[a] - xs[b]; });
    var kinds = ranks.reduce(function (m, r) { return Math.max(m, r); }, 0) + 1;
    var counts = new Array(kinds).fill(0);
    var best = null, bestCounts = null, bestOff = Infinity;
    var j = 0;
    for (var i = 0; i < order.length; i++) {
      while (j < order.length && xs[order[j]] - xs[order[i]] <= width) { counts[ranks[order[j]]] += 1; j++; }
      var from = xs[order[i]], to = xs[order[j - 1]];
      var off = Math.abs((from + to) / 2 - centre);
      var better = !bestCounts;
      for (var k = 0; k < kinds && !better; k++) {
        if (counts[k] !== bestCounts[k]) { better = counts[k] > bestCounts[k]; break; }
        if (k === kinds - 1) better = off < bestOff;
      }
      if (better) { best = { from: from, to: to }; bestCounts = counts.slice(); bestOff = off; }
      counts[ranks[order[i]]] -= 1;
    }
    return best;
  }

  /** The zoom of a filled first view: the deepest (by steps of `snap`) at which the world is no taller than the map. */
  function fillZoom(size, snap) {
    return Math.min(FIT_MAX_ZOOM, Math.floor(Math.log2(size.y / 256) / snap) * snap);
  }

  /**
   * A first view that fills the map's height with the world (a phone held upright,
   * where the places' box would leave most of the screen empty): the world at the
   * deepest zoom at which it is no taller than the map, the places' band of latitudes
   * in the middle of the free part of the map (Antarctica mostly off its bottom),
   * sideways where the free part holds the most places, kind by kind (bestWindow).
   */
  function fillView(app, size, f, z) {
    var map = app.map;
    var world = 256 * Math.pow(2, z);
    // the places' band of latitudes in the middle of the free part: the polar sea and
    // Antarctica, where no place is, go off the map's edge or under the controls
    var ys = app.places.map(function (p) { return map.project([p.base.lat, p.base.lon], z).y; });
    var band = ys.length ? (Math.min.apply(null, ys) + Math.max.apply(null, ys)) / 2 : world / 2;
    var cy = band - ((f.top + f.bottom) / 2 - size.y / 2); // the world pixel at the map's middle
    var top = cy - size.y / 2 + f.top + MARGIN, bottom = cy - size.y / 2 + f.bottom - MARGIN;
    var xs = [], ranks = [];
    app.places.forEach(function (p) {
      var q = map.project([p.base.lat, p.base.lon], z);
      if (q.y < top || q.y > bottom) return;
      xs.push(q.x);
      ranks.push(p.kindInfo ? p.kindInfo.index : 0);
    });
    var bounds = L.latLngBounds(app.data.bounds);
    var centre = map.project(bounds.getCenter(), z).x;
    var span = bestWindow(xs, ranks, f.right - f.left - 2 * MARGIN, centre) || { from: centre, to: centre };
    var shift = (f.left + f.right) / 2 - size.x / 2; // the free part's middle, from the map's
    var cx = (span.from + span.to) / 2 - shift;
    // no sea beyond the world's sides where the places chosen stay in the free part
    var low = Math.max(size.x / 2, span.to + MARGIN - f.right + size.x / 2);
    var high = Math.min(world - size.x / 2, span.from - MARGIN - f.left + size.x / 2);
    if (low <= high) cx = Math.max(low, Math.min(high, cx));
    map.setView(map.unproject([cx, cy], z), z, { animate: false });
  }

  /**
   * A fitted box lies in the middle of the part the controls leave free, which may
   * leave the screen's other part empty (a region on a phone, under a column of
   * buttons): move it up or down towards the map's middle, as far as every place
   * stays MARGIN clear of the controls and of the edges.
   */
  function towardsMiddle(app, bounds, size) {
    var map = app.map;
    var rects = obstacles(app);
    var nw = map.latLngToContainerPoint(bounds.getNorthWest());
    var se = map.latLngToContainerPoint(bounds.getSouthEast());
    var dx = 0, dy = (nw.y + se.y) / 2 - size.y / 2; // up or down: sideways the world may end
    var points = app.places.map(function (p) { return map.latLngToContainerPoint([p.base.lat, p.base.lon]); });
    function clear(t) {
      return points.every(function (q) {
        var x = q.x - t * dx, y = q.y - t * dy;
        if (x < MARGIN || y < MARGIN || x > size.x - MARGIN || y > size.y - MARGIN) return false;
        return !rects.some(function (r) {
          return x > r.left - MARGIN && x < r.right + MARGIN && y > r.top - MARGIN && y < r.bottom + MARGIN;
        });
      });
    }
    for (var t = 1; t > 0; t -= 0.25) {
      if (clear(t)) {
        if (Math.abs(t * dx) >= 1 || Math.abs(t * dy) >= 1) map.panBy([t * dx, t * dy], { animate: false });
        return;
      }
    }
  }

  /**
   * Fit the data's bounds into the part of the map the controls leave free; where
   * that would show the world shorter than FILL of the map's height, fill it instead
   * (fillView).  app.firstView says which: 'fit' or 'fill'.
   */
  function fit(app) {
    var map = app.map;
    var size = map.getSize();
    var bounds = L.latLngBounds(app.data.bounds);
    var nw = map.project(bounds.getNorthWest(), 0);
    var se = map.project(bounds.getSouthEast(), 0);
    var snap = map.options.zoomSnap || 1;
    var best = -Infinity;
    var f = freeRect(size.x, size.y, obstacles(app), function (r) {
      var z = fitZoom(r, se.x - nw.x, se.y - nw.y, MARGIN, snap, FIT_MAX_ZOOM);
      best = Math.max(best, z);
      return z;
    });
    app.fits = (app.fits || 0) + 1;
    app.fitting = true;
    app.firstView = 256 * Math.pow(2, best) < FILL * size.y && app.places.length ? 'fill' : 'fit';
    var topLeft = L.point(f.left + MARGIN, f.top + MARGIN);
    var bottomRight = L.point(size.x - f.right + MARGIN, size.y - f.bottom + MARGIN);
    var zoom = app.firstView === 'fill' ? fillZoom(size, snap)
      : Math.min(FIT_MAX_ZOOM, map.getBoundsZoom(bounds, false, topLeft.add(bottomRight)));
    if (app.view && app.view.regroup) app.view.regroup(zoom); // the clusters of that zoom's radius
    if (app.firstView === 'fill') {
      fillView(app, size, f, zoom);
    } else {
      map.fitBounds(bounds, { paddingTopLeft: topLeft, paddingBottomRight: bottomRight, maxZoom: FIT_MAX_ZOOM, animate: false });
      towardsMiddle(app, bounds, size);
    }
    app.fitting = false;
    // every place fitted clear of the controls: kept; a filled view may cut places at
    // its sides, under a control too: the clearing step may move it
    if (app.layout && app.firstView === 'fit') app.layout.clear.hold();
  }

  /** Autopan padding that keeps a popup of w x hgt pixels clear of the controls. */
  function popupPadding(app, w, hgt) {
    var size = app.map.getSize();
    var f = freeRect(size.x, size.y, obstacles(app), function (r) {
      return Math.min(0, r.right - r.left - w, r.bottom - r.top - hgt);
    });
    return { topLeft: [f.left + 8, f.top + 8], bottomRight: [size.x - f.right + 8, size.y - f.bottom + 8] };
  }

  /**
   * Let the legend (top right) grow down to the minimap (bottom right) and no further;
   * where the open legend needs that room, the minimap gives way.
   */
  function fitLegend(app) {
    var box = app.legend && app.legend.getContainer();
    var container = app.map.getContainer();
    if (!box) return;
    if (box.closest('.atlas-menu-panel')) { box.style.maxHeight = ''; return; }
    // read everything first, then write: one layout
    var top = box.getBoundingClientRect().top;
    var need = box.scrollHeight; // the legend's whole height, whatever its max-height
    var bottom = container.getBoundingClientRect().bottom - 28; // above the attribution line
    var mini = !!container.querySelector('.atlas-minimap');
    var below = mini ? bottom - MINIMAP_ROOM : bottom;
    var hide = mini && box.open && top + need > below;
    if (hide !== container.classList.contains('atlas-no-minimap')) container.classList.toggle('atlas-no-minimap', hide);
    box.style.maxHeight = Math.max(120, (hide ? bottom : below) - top - 16) + 'px'; // less its padding
  }

  /** Fade the header's links where more of them lie out of sight (they scroll sideways). */
  function navFade() {
    var nav = document.querySelector('.atlas-nav');
    if (!nav) return function () {};
    function fade() {
      var more = nav.scrollWidth - nav.clientWidth;
      nav.classList.toggle('atlas-nav-before', more > 1 && nav.scrollLeft > 1);
      nav.classList.toggle('atlas-nav-after', more > 1 && nav.scrollLeft < more - 1);
    }
    nav.addEventListener('scroll', fade, { passive: true });
    requestAnimationFrame(fade); // with the first frame's layout, not one of its own
    return fade;
  }

  /**
   * The layout of one page: app.narrow(), app.fit(), the menu of a narrow screen,
   * and what follows a resize (the controls fold or unfold; the view is fitted
   * again while the reader has not moved it).
   */
  function Layout(app, controls) {
    var map = app.map;
    var menu = lib.menu.Menu(app, controls);
    map.addControl(menu.control);
    map.getContainer().appendChild(menu.panel);
    var fade = navFade();
    app.userMoved = false;
    map.on('movestart', function () { if (!app.fitting && !app.booting) app.userMoved = true; });
    map.on('click', function () { menu.open(false); });
    app.listeners.push(menu.relabel);
    var pending = false;
    var rows = null;
    app.listeners.push(function () { // the year's statuses change its rows: fit it with the next frame
      var box = app.legend && app.legend.getContainer();
      var now = box ? box.querySelectorAll('[hidden]').length : 0;
      if (pending || now === rows) return;
      var first = rows === null; // the legend was fitted with the rows as now
      rows = now;
      if (first) return;
      pending = true;
      requestAnimationFrame(function () { pending = false; fitLegend(app); });
    });
    if (app.legend) app.legend.getContainer().addEventListener('toggle', function () { fitLegend(app); });
    function arrange() {
      var small = narrow();
      menu.fold(small);
      if (!small && app.sheet) app.sheet.hide();
      fitLegend(app);
    }
    var timer = null;
    map.on('resize', function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        arrange();
        fade();
        if (!app.userMoved) fit(app);
        app.resizes = (app.resizes || 0) + 1;
      }, 120);
    });
    arrange();
    var clear = lib.clear.KeepClear(app);
    return { menu: menu, arrange: arrange, clear: clear };
  }

  lib.layout = {
    freeRect: freeRect,
    fitZoom: fitZoom,
    bestWindow: bestWindow,
    fillZoom: fillZoom,
    narrow: narrow,
    obstacles: obstacles,
    fit: fit,
    popupPadding: popupPadding,
    fitLegend: fitLegend,
    Layout: Layout
  };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
