/* geo atlas, labels.js: country and town names on the offline basemap, as real text (HTML
 * in a pane of their own, so that they can be found with the browser's search and read by
 * screen readers).  A country's name sits at its pole of inaccessibility (computed at build
 * time, geo.render.basemap), or, where that is out of view, at one of its points near the
 * places; it shows from the zoom at which its country holds it, bigger countries first, once
 * in view.  Towns (GeoNames, geo.render.towns) follow, each from its zoom, biggest first.
 * No name goes on top of another nor under a place's marker.  place() is pure (unit-tested
 * in node).
 */
(function (lib) {
  'use strict';

  var util = lib.util;
  var FONT = '600 11px system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", Arial, sans-serif'; // as .atlas-label
  var TOWN_FONT = '400 11px system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", Arial, sans-serif'; // as .atlas-town
  var DOT = 7; // px: a town's dot and the gap before its name (.atlas-town's padding)
  var DOT_X = 3; // px: the dot's centre from the label's left edge
  var LINE = 13; // px: a label's line
  var WRAP = 110; // px: a longer name wraps onto more lines
  var PAD = 5; // px kept between two names

  /** The lines of a name no wider than WRAP where it can break, and the widest line's width. */
  function wrap(name, measure) {
    var words = String(name).split(/\s+/).filter(Boolean);
    var lines = [];
    var line = '';
    words.forEach(function (word) {
      var next = line ? line + ' ' + word : word;
      if (line && measure(next) > WRAP) { lines.push(line); line = word; } else { line = next; }
    });
    if (line) lines.push(line);
    var width = Math.max.apply(null, lines.map(measure).concat([0]));
    return { lines: lines.length, width: Math.ceil(width) };
  }

  /**
   * The labels that show at zoom scale `scale` (2^zoom): each of `labels`
   * ({x, y, r, w, width, lines}: position, inscribed radius and width of its polygon
   * in pixels at zoom 0, the name's size; optional: `key`, shown once per key; `z`, the
   * first zoom it shows at; `dx`, the box's centre right of the point, in pixels) in order
   * when its polygon holds it, its box lies inside `view` (a box in pixels at that
   * scale, when given), no label of its key is placed yet, and its box overlaps none
   * already placed nor any of `blocked` (boxes {left, top, right, bottom} in pixels at
   * that scale: the markers).
   * Returns the boxes {i, left, top, right, bottom} in pixels at that scale.
   */
  function place(labels, scale, blocked, view) {
    var placed = [];
    var taken = (blocked || []).slice();
    var keys = new Set();
    labels.forEach(function (l, i) {
      var height = l.lines * LINE;
      if (l.z !== undefined && Math.pow(2, l.z) > scale) return;
      if (2 * l.r * scale < Math.min(height + 4, 18) || l.w * scale < l.width * 0.8) return;
      if (l.key !== undefined && keys.has(l.key)) return;
      var cx = l.x * scale + (l.dx || 0);
      var box = {
        i: i,
        left: cx - l.width / 2 - PAD, right: cx + l.width / 2 + PAD,
        top: l.y * scale - height / 2 - PAD, bottom: l.y * scale + height / 2 + PAD
      };
      if (view && (box.left + PAD < view.left || box.right - PAD > view.right || box.top + PAD < view.top || box.bottom - PAD > view.bottom)) return;
      for (var k = 0; k < taken.length; k++) {
        var o = taken[k];
        if (box.left < o.right && o.left < box.right && box.top < o.bottom && o.top < box.bottom) return;
      }
      placed.push(box);
      taken.push(box);
      if (l.key !== undefined) keys.add(l.key);
    });
    return placed;
  }

  /**
   * The names of the data's country rows, largest first: each country at its pole
   * (row[5] = [lat, lon, r, w]) and at its points near the places (row[7], alike), one
   * key per country; then the towns (rows [lat, lon, name, zoom], in the data's order).
   */
  function labelsOf(app, measure, measureTown) {
    var out = [];
    app.data.countries.forEach(function (row, n) {
      if (!row[1]) return;
      var name = util.short(row[1]);
      var size = wrap(name, measure);
      [row[5]].concat(row[7] || []).forEach(function (at) {
        if (!at) return;
        var px = app.map.project([at[0], at[1]], 0);
        out.push({ name: name, key: n, lat: at[0], lon: at[1], x: px.x, y: px.y, r: at[2], w: at[3], width: size.width, lines: size.lines });
      });
    });
    out.sort(function (a, b) { return b.r - a.r || (a.name < b.name ? -1 : a.name > b.name ? 1 : a.y - b.y); });
    (app.data.towns || []).forEach(function (row) {
      var px = app.map.project([row[0], row[1]], 0);
      var width = Math.ceil(measureTown(String(row[2]))) + DOT;
      out.push({ name: String(row[2]), town: true, lat: row[0], lon: row[1], x: px.x, y: px.y, r: Infinity, w: Infinity, z: row[3], width: width, lines: 1, dx: width / 2 - DOT_X });
    });
    return out;
  }

  /** Boxes of the markers and controls drawn now (world pixels at the map's zoom): names keep off them. */
  function markerBoxes(map) {
    var origin = map.getPixelOrigin();
    var out = [];
    var container = map.getContainer();
    var frame = container.getBoundingClientRect();
    var min = map.getPixelBounds().min;
    var controls = container.querySelectorAll('.leaflet-control');
    for (var c = 0; c < controls.length; c++) {
      var rect = controls[c].getBoundingClientRect();
      if (!rect.width || !rect.height) continue;
      out.push({ left: rect.left - frame.left + min.x, top: rect.top - frame.top + min.y, right: rect.right - frame.left + min.x, bottom: rect.bottom - frame.top + min.y });
    }
    var icons = map.getPane('markerPane').children;
    for (var i = 0; i < icons.length; i++) {
      var pos = icons[i]._leaflet_pos; // where Leaflet put the icon (L.DomUtil.setPosition)
      var w = parseFloat(icons[i].style.width) || 0, hgt = parseFloat(icons[i].style.height) || 0;
      if (!pos || !w) continue;
      out.push({ left: pos.x + origin.x, top: pos.y + origin.y, right: pos.x + origin.x + w, bottom: pos.y + origin.y + hgt });
    }
    return out;
  }

  /** The names' layer: a pane of text, redrawn after each move, hidden over online tiles. */
  function CountryLabels(app) {
    var map = app.map;
    var pane = map.createPane('atlas-labels');
    pane.classList.add('leaflet-zoom-hide');
    var ctx = document.createElement('canvas').getContext('2d');
    var measureWith = function (font) {
      return function (text) {
        if (!ctx) return text.length * 6.5;
        ctx.font = font;
        return ctx.measureText(text).width;
      };
    };
    var labels = labelsOf(app, measureWith(FONT), measureWith(TOWN_FONT));
    var nodes = new Map();
    function draw() {
      var shown = new Set();
      if (!app.state.online) {
        var zoom = map.getZoom();
        var origin = map.getPixelOrigin();
        var bounds = map.getPixelBounds();
        var view = { left: bounds.min.x, top: bounds.min.y, right: bounds.max.x, bottom: bounds.max.y };
        place(labels, Math.pow(2, zoom), markerBoxes(map), view).forEach(function (box) {
          var l = labels[box.i];
          var node = nodes.get(l);
          if (!node) {
            node = util.h('div', { className: l.town ? 'atlas-label atlas-town' : 'atlas-label', textContent: l.name });
            node.style.width = ((l.town ? l.width - DOT : l.width) + 2) + 'px';
            nodes.set(l, node);
          }
          var pt = map.project([l.lat, l.lon], zoom).subtract(origin);
          var left = l.town ? pt.x - DOT_X : pt.x - l.width / 2 - 1;
          L.DomUtil.setPosition(node, L.point(Math.round(left), Math.round(pt.y - l.lines * LINE / 2)));
          if (!node.parentNode) pane.appendChild(node);
          shown.add(node);
        });
      }
      nodes.forEach(function (node) { if (!shown.has(node) && node.parentNode) pane.removeChild(node); });
    }
    var pending = false;
    function later() { // once per frame, after the markers of the new view are drawn
      if (pending) return;
      pending = true;
      requestAnimationFrame(function () { pending = false; draw(); });
    }
    map.on('moveend viewreset baselayerchange', later);
    app.listeners.push(later);
    if (app.view.cluster) app.view.cluster.on('animationend', later);
    return { draw: draw, later: later, shown: function () { return pane.querySelectorAll('.atlas-label').length; } };
  }

  lib.labels = { wrap: wrap, place: place, CountryLabels: CountryLabels };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
