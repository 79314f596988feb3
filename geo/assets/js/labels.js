/* geo atlas, labels.js: country names on the offline basemap, as real text (HTML in a
 * pane of their own, so that they can be found with the browser's search and read by
 * screen readers).  Each name sits at its country's pole of inaccessibility (computed
 * at build time, geo.render.basemap); it shows from the zoom at which its country holds
 * it, bigger countries first, never on top of another name nor under a place's marker.
 * place() is pure (unit-tested in node).
 */
(function (lib) {
  'use strict';

  var util = lib.util;
  var FONT = '600 11px system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", Arial, sans-serif'; // as .atlas-label
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
   * in pixels at zoom 0, the name's size) in order (the largest first) when its
   * polygon holds it and its box overlaps none already placed nor any of `blocked`
   * (boxes {left, top, right, bottom} in pixels at that scale: the markers).
   * Returns the boxes {i, left, top, right, bottom} in pixels at that scale.
   */
  function place(labels, scale, blocked) {
    var placed = [];
    var taken = (blocked || []).slice();
    labels.forEach(function (l, i) {
      var height = l.lines * LINE;
      if (2 * l.r * scale < Math.min(height + 4, 18) || l.w * scale < l.width * 0.8) return;
      var box = {
        i: i,
        left: l.x * scale - l.width / 2 - PAD, right: l.x * scale + l.width / 2 + PAD,
        top: l.y * scale - height / 2 - PAD, bottom: l.y * scale + height / 2 + PAD
      };
      for (var k = 0; k < taken.length; k++) {
        var o = taken[k];
        if (box.left < o.right && o.left < box.right && box.top < o.bottom && o.top < box.bottom) return;
      }
      placed.push(box);
      taken.push(box);
    });
    return placed;
  }

  /** The labels of the data's country rows, largest first (row[5] = [lat, lon, r, w]). */
  function labelsOf(app, measure) {
    var out = [];
    app.data.countries.forEach(function (row) {
      var at = row[5];
      if (!at || !row[1]) return;
      var px = app.map.project([at[0], at[1]], 0);
      var name = util.short(row[1]);
      var size = wrap(name, measure);
      out.push({ name: name, lat: at[0], lon: at[1], x: px.x, y: px.y, r: at[2], w: at[3], width: size.width, lines: size.lines });
    });
    return out.sort(function (a, b) { return b.r - a.r || (a.name < b.name ? -1 : 1); });
  }

  /** Boxes of the markers drawn now (world pixels at the map's zoom): names keep off them. */
  function markerBoxes(map) {
    var origin = map.getPixelOrigin();
    var out = [];
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
    var measure = function (text) { return ctx ? ctx.measureText(text).width : text.length * 6.5; };
    if (ctx) ctx.font = FONT;
    var labels = labelsOf(app, measure);
    var nodes = new Map();
    function draw() {
      var shown = new Set();
      if (!app.state.online) {
        var zoom = map.getZoom();
        var origin = map.getPixelOrigin();
        place(labels, Math.pow(2, zoom), markerBoxes(map)).forEach(function (box) {
          var l = labels[box.i];
          var node = nodes.get(l);
          if (!node) {
            node = util.h('div', { className: 'atlas-label', textContent: l.name });
            node.style.width = (l.width + 2) + 'px';
            nodes.set(l, node);
          }
          var pt = map.project([l.lat, l.lon], zoom).subtract(origin);
          L.DomUtil.setPosition(node, L.point(Math.round(pt.x - l.width / 2 - 1), Math.round(pt.y - l.lines * LINE / 2)));
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
