/* geo atlas, grid.js: the view of a large map (geo.render.GRID_THRESHOLD places or
 * more): places grouped on a screen grid, redrawn after each move (GridView, a view
 * as views.js describes: {layer, sync(), select(p)}).  gridCells() and cellKey() are
 * pure (unit-tested in node).
 */
(function (lib) {
  'use strict';

  var GRID_PX = 64; // the grid's cell, CSS pixels
  var SELECT_ZOOM = lib.views.SELECT_ZOOM; // a selected place is shown at this zoom at least (views.js)
  var markerOf = lib.views.markerOf;
  var restyle = lib.views.restyle;

  /** The key of the grid cell holding a world pixel (x, y). */
  function cellKey(x, y) {
    return Math.floor(x / GRID_PX) * 4194304 + Math.floor(y / GRID_PX);
  }

  /** Keep p.px, p.py (Web Mercator, 0 to 1) in step with p.now. */
  function project(p) {
    if (p.projected === p.now) return;
    var xy = lib.geodesy.mercator(p.now.lat, p.now.lon);
    p.px = xy[0];
    p.py = xy[1];
    p.projected = p.now;
  }

  /**
   * Cells of the places shown (p.on, projected) in and just around the pixel bounds
   * {min: {x, y}, max: {x, y}} at a zoom, but `skip`; keyed by cellKey.
   */
  function gridCells(places, skip, zoom, bounds) {
    var scale = 256 * Math.pow(2, zoom);
    var x0 = bounds.min.x - GRID_PX, y0 = bounds.min.y - GRID_PX, x1 = bounds.max.x + GRID_PX, y1 = bounds.max.y + GRID_PX;
    var out = new Map();
    for (var i = 0; i < places.length; i++) {
      var p = places[i];
      if (!p.on || p === skip) continue;
      var x = p.px * scale, y = p.py * scale;
      if (x < x0 || x > x1 || y < y0 || y > y1) continue;
      var key = cellKey(x, y);
      var c = out.get(key);
      if (!c) {
        c = { n: 0, sx: 0, sy: 0, minX: x, maxX: x, minY: y, maxY: y, first: p, key: key, zoom: zoom, places: [] };
        out.set(key, c);
      }
      c.n++;
      c.places.push(p);
      c.sx += x;
      c.sy += y;
      if (x < c.minX) c.minX = x;
      if (x > c.maxX) c.maxX = x;
      if (y < c.minY) c.minY = y;
      if (y > c.maxY) c.maxY = y;
    }
    return out;
  }

  /**
   * Places grouped on a grid of GRID_PX screen pixels, redrawn after each move:
   * a cell of one place shows its marker, a cell of several a cluster icon.  Only
   * the cells in view are drawn, so that the cost of a frame is one pass over the
   * places plus a few hundred markers, however many places there are.
   */
  function GridView(app) {
    var map = app.map;
    var grid = { layer: L.layerGroup(), singles: new Set(), clusters: [], selected: null };
    function redraw() { gridRedraw(app, grid, select); }
    /** Centre the place, at least at SELECT_ZOOM, drawn on its own, and open its popup. */
    function select(p) {
      grid.selected = p;
      map.closePopup();
      map.setView([p.now.lat, p.now.lon], Math.max(map.getZoom(), SELECT_ZOOM), { animate: false });
      redraw();
      markerOf(app, p).openPopup();
    }
    map.on('moveend', redraw);
    map.on('popupopen', function (e) {
      var source = e.popup._source;
      if (source && source.atlasPlace) grid.selected = source.atlasPlace;
    });
    return {
      layer: grid.layer,
      sync: function () {
        app.places.forEach(function (p) { if (p.on) project(p); });
        redraw();
      },
      select: select,
      redraw: redraw,
      drawnTotal: function () {
        var n = grid.singles.size;
        grid.clusters.forEach(function (m) { n += m.atlasCount; });
        return n;
      }
    };
  }

  function gridRedraw(app, grid, select) {
    var map = app.map;
    if (!map._loaded) return;
    var next = new Set();
    var made = [];
    gridCells(app.places, grid.selected, map.getZoom(), map.getPixelBounds()).forEach(function (c) {
      if (c.n === 1) next.add(c.first);
      else made.push(clusterMarker(app, grid, c, select));
    });
    if (grid.selected && grid.selected.on) next.add(grid.selected);
    grid.singles.forEach(function (p) { if (!next.has(p)) grid.layer.removeLayer(p.marker); });
    next.forEach(function (p) {
      markerOf(app, p);
      restyle(app, p);
      if (!grid.singles.has(p)) grid.layer.addLayer(p.marker);
    });
    grid.singles = next;
    grid.clusters.forEach(function (m) { grid.layer.removeLayer(m); });
    grid.clusters = made;
    made.forEach(function (m) { grid.layer.addLayer(m); });
  }

  /**
   * A cell's cluster: a tile that says what it holds (groups.clusterIcon: the kinds'
   * symbols and the count, in words for a screen reader), at its places' mean, moved
   * only as far as keeps it inside its cell.
   */
  function clusterMarker(app, grid, c, select) {
    var room = (GRID_PX - lib.groups.TILE) / 2;
    var cx = (Math.floor(c.sx / c.n / GRID_PX) + 0.5) * GRID_PX;
    var cy = (Math.floor(c.sy / c.n / GRID_PX) + 0.5) * GRID_PX;
    var x = Math.max(cx - room, Math.min(cx + room, c.sx / c.n));
    var y = Math.max(cy - room, Math.min(cy + room, c.sy / c.n));
    var text = lib.groups.clusterText(app, c.places);
    var marker = L.marker(app.map.unproject([x, y], c.zoom), {
      icon: lib.groups.clusterIcon(app, c.places), keyboard: true, title: text, alt: text
    });
    marker.atlasCount = c.n;
    marker.on('click', function () { openCell(app, grid, c, select); });
    return marker;
  }

  /** Zoom into a cluster, or list its places when they share one spot at the deepest zoom. */
  function openCell(app, grid, c, select) {
    var map = app.map;
    var zoom = map.getZoom();
    var spread = Math.max(c.maxX - c.minX, c.maxY - c.minY);
    if (zoom < map.getMaxZoom() && spread > 0.5) {
      var bounds = L.latLngBounds(map.unproject([c.minX, c.minY], zoom), map.unproject([c.maxX, c.maxY], zoom));
      var target = Math.min(map.getBoundsZoom(bounds.pad(0.2)), map.getMaxZoom());
      map.setView(bounds.getCenter(), Math.max(target, Math.min(zoom + 2, map.getMaxZoom())));
      return;
    }
    var scale = 256 * Math.pow(2, zoom);
    var members = app.places.filter(function (p) {
      return p.on && p !== grid.selected && cellKey(p.px * scale, p.py * scale) === c.key;
    });
    lib.popups.popup(app, { maxWidth: 320, maxHeight: 300 })
      .setLatLng(map.unproject([c.sx / c.n, c.sy / c.n], zoom))
      .setContent(lib.popups.cellContent(app, members, select))
      .openOn(map);
  }

  lib.grid = { GridView: GridView, gridCells: gridCells, cellKey: cellKey };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
