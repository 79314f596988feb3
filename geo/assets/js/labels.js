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
  var OFFICE_WRAPS = [150, 100]; // px: an office's name beside its symbol wraps wide (fewer lines), else narrower

  /** The lines of a name no wider than `max` (WRAP) where it can break, and the widest line's width. */
  function wrap(name, measure, max) {
    var limit = max || WRAP;
    var words = String(name).split(/\s+/).filter(Boolean);
    var lines = [];
    var line = '';
    words.forEach(function (word) {
      var next = line ? line + ' ' + word : word;
      if (line && measure(next) > limit) { lines.push(line); line = word; } else { line = next; }
    });
    if (line) lines.push(line);
    var width = Math.max.apply(null, lines.map(measure).concat([0]));
    return { lines: lines.length, width: Math.ceil(width) };
  }

  /**
   * The labels that show at zoom scale `scale` (2^zoom): each of `labels`
   * ({x, y, r, w, width, lines}: position, inscribed radius and width of its polygon
   * in pixels at zoom 0, the name's size; optional: `key`, shown once per key; `z`, the
   * first zoom it shows at; `dx`, the box's centre right of the point, in pixels; `at`,
   * offsets [dx, dy] in pixels tried in turn, the first free one taken; `pad`, which
   * replaces PAD) in order when its polygon holds it, its box lies inside `view` (a box in
   * pixels at that scale, when given), no label of its key is placed yet, and its box
   * overlaps none already placed nor any of `blocked` (boxes {left, top, right, bottom}
   * in pixels at that scale: the markers and controls).
   * Returns the boxes {i, left, top, right, bottom, pad} in pixels at that scale.
   */
  function place(labels, scale, blocked, view) {
    var placed = [];
    var taken = (blocked || []).slice();
    var keys = new Set();
    function free(box) {
      for (var k = 0; k < taken.length; k++) {
        var o = taken[k];
        if (box.left < o.right && o.left < box.right && box.top < o.bottom && o.top < box.bottom) return false;
      }
      return true;
    }
    labels.forEach(function (l, i) {
      var height = l.lines * LINE;
      if (l.z !== undefined && Math.pow(2, l.z) > scale) return;
      if (2 * l.r * scale < Math.min(height + 4, 18) || l.w * scale < l.width * 0.8) return;
      if (l.key !== undefined && keys.has(l.key)) return;
      var pad = l.pad === undefined ? PAD : l.pad;
      var spots = l.at || [[0, 0]];
      for (var s = 0; s < spots.length; s++) {
        var x = l.x * scale + (l.dx || 0) + spots[s][0], y = l.y * scale + spots[s][1];
        var box = {
          i: i, pad: pad,
          left: x - l.width / 2 - pad, right: x + l.width / 2 + pad,
          top: y - height / 2 - pad, bottom: y + height / 2 + pad
        };
        if (view && (box.left + pad < view.left || box.right - pad > view.right || box.top + pad < view.top || box.bottom - pad > view.bottom)) continue;
        if (free(box)) {
          placed.push(box);
          taken.push(box);
          if (l.key !== undefined) keys.add(l.key);
          return;
        }
      }
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

  /**
   * Boxes of the markers and controls drawn now (world pixels at the map's zoom): names
   * keep off them.  With `fixed`, the symbols only: not the clusters' tiles, which move.
   */
  function markerBoxes(map, fixed) {
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
      var pos = icons[i]._leaflet_pos; // where Leaflet put the icon's point (L.DomUtil.setPosition)
      var style = icons[i].style;
      var w = parseFloat(style.width) || 0, hgt = parseFloat(style.height) || 0;
      if (!pos || !w || (fixed && icons[i].classList.contains('atlas-cluster'))) continue;
      // the icon's corner is its point plus its margins (minus its anchor)
      var left = pos.x + origin.x + (parseFloat(style.marginLeft) || 0), top = pos.y + origin.y + (parseFloat(style.marginTop) || 0);
      out.push({ left: left, top: top, right: left + w, bottom: top + hgt });
    }
    return out;
  }

  /** measureWith(font)(text): the text's width in pixels in that font (a canvas's measure). */
  function measurer() {
    var ctx = document.createElement('canvas').getContext('2d');
    return function (font) {
      return function (text) {
        if (!ctx) return text.length * 6.5;
        ctx.font = font;
        return ctx.measureText(text).width;
      };
    };
  }

  /** The text node of label `l` (made once, kept in `nodes`): an office's, a town's or a country's name. */
  function labelNode(nodes, l) {
    var key = l.office ? l.key + '\u0000' + l.width : l;
    var node = nodes.get(key);
    if (!node) {
      var kind = l.office ? ' atlas-office-name' : l.town ? ' atlas-town' : '';
      node = util.h('div', { className: 'atlas-label' + kind, textContent: l.name });
      node.style.width = ((l.town ? l.width - DOT : l.width) + 2) + 'px';
      if (l.office) node.atlasPlace = l.id; // whose symbol it is written beside
      nodes.set(key, node);
    }
    return node;
  }

  /** The ways to wrap an office's name (OFFICE_WRAPS) that differ, widest first: each {width, lines}. */
  function officeSizes(name, measure) {
    var out = [];
    OFFICE_WRAPS.forEach(function (max) {
      var size = wrap(name, measure, max);
      if (!out.length || out[out.length - 1].lines !== size.lines) out.push(size);
    });
    return out;
  }

  /**
   * The boxes of the names shown (place()): the offices' names first, beside the
   * symbols, the clusters' tiles then moving off them (views.declutter); then `rest`
   * (countries' and towns' names), which gives way to both.  On a narrow screen (a
   * phone), where the offices' names would leave no room for a country's, all take
   * turns around the symbols and tiles as drawn.  A box's `i` counts the offices'
   * names, then `rest`.  `view`: the map's view in world pixels.
   */
  function placeAll(app, offices, rest, view) {
    var map = app.map;
    var origin = map.getPixelOrigin();
    var scale = Math.pow(2, map.getZoom());
    if (lib.layout.narrow()) return place(offices.concat(rest), scale, markerBoxes(map), view);
    var first = place(offices, scale, markerBoxes(map, true), view);
    if (app.view.declutter) {
      app.view.declutter(first.map(function (b) { // in layer pixels
        return { left: b.left - origin.x, top: b.top - origin.y, right: b.right - origin.x, bottom: b.bottom - origin.y };
      }));
    }
    var then = place(rest, scale, markerBoxes(map).concat(first), view);
    return first.concat(then.map(function (b) { return Object.assign({}, b, { i: b.i + offices.length }); }));
  }

  /** The names' layer: a pane of text, redrawn after each move; over online tiles, the offices' only. */
  function CountryLabels(app) {
    var map = app.map;
    var pane = map.createPane('atlas-labels');
    pane.classList.add('leaflet-zoom-hide');
    var measureWith = measurer();
    var measure = measureWith(FONT);
    var labels = labelsOf(app, measure, measureWith(TOWN_FONT));
    var nodes = new Map();
    var sizes = function (name) { return officeSizes(name, measure); };
    var nodeOf = function (l) { return labelNode(nodes, l); };
    function draw() {
      var shown = new Set();
      var zoom = map.getZoom();
      var origin = map.getPixelOrigin();
      var bounds = map.getPixelBounds();
      var view = { left: bounds.min.x, top: bounds.min.y, right: bounds.max.x, bottom: bounds.max.y };
      var all = lib.groups.officeNames(app, zoom, sizes);
      var rest = app.state.online ? [] : labels; // over online tiles, which write their own, the offices' only
      placeAll(app, all, rest, view).forEach(function (box) {
        var l = box.i < all.length ? all[box.i] : rest[box.i - all.length];
        var node = nodeOf(l);
        var left = box.left + box.pad - origin.x - (l.town ? 0 : 1); // a town's dot is at its point
        L.DomUtil.setPosition(node, L.point(Math.round(left), Math.round(box.top + box.pad - origin.y)));
        if (!node.parentNode) pane.appendChild(node);
        shown.add(node);
      });
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
    return {
      draw: draw, later: later,
      shown: function () { return pane.querySelectorAll('.atlas-label:not(.atlas-office-name)').length; },
      offices: function () { return pane.querySelectorAll('.atlas-office-name').length; }
    };
  }

  lib.labels = { wrap: wrap, place: place, markerBoxes: markerBoxes, CountryLabels: CountryLabels };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
