/* geo atlas, views.js: the markers of places and the two views that draw them:
 * Leaflet.markercluster (ClusterView), or a screen grid for large maps (GridView).
 * A view is {layer, sync(), select(p)}: sync() draws the places whose p.on is set,
 * as p.now says; select(p) shows one place and opens its popup.
 */
(function (lib) {
  'use strict';

  var symbols = lib.symbols;
  var sameState = lib.state.sameState;
  var SELECT_ZOOM = 8; // a selected place is shown at this zoom at least
  var GRID_PX = 64; // the grid's cell, CSS pixels

  /** The marker of a place, made when first needed, drawn as the place is now. */
  function markerOf(app, p) {
    if (p.marker) return p.marker;
    var name = lib.util.short(p.name); // the popup has it whole
    var label = name + ' (' + p.kindInfo.label + ')';
    var marker = L.marker([p.now.lat, p.now.lon], {
      icon: symbols.iconFor(app, p, p.now.status), keyboard: true, title: name, alt: name, riseOnHover: true
    });
    marker.on('add', function () {
      var el = marker.getElement();
      if (el) el.setAttribute('aria-label', label);
    });
    marker.bindTooltip(document.createTextNode(name), { direction: 'top', className: 'atlas-tip' });
    marker.bindPopup(lib.popups.placePopup(app).setContent(function () { return lib.popups.placeContent(app, p); }));
    marker.atlasPlace = p;
    p.marker = marker;
    p.drawn = p.now;
    return marker;
  }

  /** Give a place's marker the status and position the place has now. */
  function restyle(app, p) {
    var m = p.marker;
    if (!m || sameState(p.drawn, p.now) || !p.now) return;
    if (p.drawn.status !== p.now.status) m.setIcon(symbols.iconFor(app, p, p.now.status));
    if (p.drawn.lat !== p.now.lat || p.drawn.lon !== p.now.lon) m.setLatLng([p.now.lat, p.now.lon]);
    p.drawn = p.now;
  }

  // ---- cluster view

  /** Every place has a marker in one MarkerClusterGroup; filtered ones are taken out. */
  function ClusterView(app) {
    var cluster = L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 36,
      spiderfyOnMaxZoom: true,
      iconCreateFunction: function (group) { return symbols.clusterIcon(app, group.getChildCount()); }
    });
    var inCluster = new Set();
    app.places.forEach(function (p) { markerOf(app, p); });
    return {
      layer: cluster,
      cluster: cluster,
      sync: function () { clusterSync(app, cluster, inCluster); },
      select: function (p) { clusterSelect(app, cluster, p); }
    };
  }

  function clusterSync(app, cluster, inCluster) {
    var add = [], remove = [], changed = [];
    app.places.forEach(function (p) {
      var has = inCluster.has(p);
      var moved = !sameState(p.drawn, p.now);
      if (has && (!p.on || moved)) { remove.push(p.marker); inCluster.delete(p); }
      if (p.on && (moved || !has)) {
        add.push(p.marker);
        inCluster.add(p);
        if (moved) changed.push(p);
      }
    });
    if (remove.length) cluster.removeLayers(remove); // before markers move: the plugin finds them by position
    changed.forEach(function (p) { restyle(app, p); });
    if (add.length) cluster.addLayers(add);
  }

  /** Zoom (at most to SELECT_ZOOM) until the place leaves its cluster, else spiderfy. */
  function clusterSelect(app, cluster, p) {
    var map = app.map;
    var marker = p.marker;
    map.closePopup();
    function open() { marker.openPopup(); }
    // Like MarkerClusterGroup.zoomToShowLayer, which zooms as deep as the map allows
    // (street level for two offices in one city); the fields read here are the plugin's.
    var done = false;
    var nudged = false;
    var tries = 0;
    // a newer selection (another link, a search) cancels this one's pending steps
    var token = app.selectToken = (app.selectToken || 0) + 1;
    function later() {
      // the events may all have come while the plugin was still animating (a busy
      // machine): look again shortly, a bounded number of times
      if (!done && tries < 30) { tries += 1; setTimeout(show, 100); }
    }
    function show() {
      if (!done && app.selectToken !== token) {
        done = true;
        map.off('moveend', show);
        cluster.off('animationend', show);
      }
      if (done) return;
      // wait for the view asked for, drawn: stopping a running pan fires a moveend at the
      // old zoom; and an earlier zoom's last step (a refit's, queued by the plugin for
      // 300 ms) runs at the start of this zoom, firing animationend while the clusters
      // are still the old zoom's, whose spiderfy the new zoom would undo at once
      if (cluster._inZoomAnimation || map.getZoom() !== zoom || cluster._zoom !== Math.round(zoom)) { later(); return; }
      var parent = cluster.getVisibleParent(marker);
      if (!parent && !nudged) {
        // a move during the plugin's zoom animation is not drawn: have it look again
        nudged = true;
        map.fire('moveend');
        later();
        return;
      }
      if (!parent) { later(); return; }
      done = true;
      map.off('moveend', show);
      cluster.off('animationend', show);
      if (parent === marker) {
        open();
      } else {
        cluster.once('spiderfied', open);
        parent.spiderfy();
      }
    }
    var latlng = marker.getLatLng();
    var zoom = Math.max(map.getZoom(), Math.min(SELECT_ZOOM, marker.__parent._zoom + 1));
    if (map.getBounds().contains(latlng) && zoom === map.getZoom() && cluster.getVisibleParent(marker)) {
      show();
    } else {
      map.on('moveend', show);
      cluster.on('animationend', show);
      map.setView(latlng, zoom, { animate: false });
      setTimeout(show, 400);
    }
  }

  // ---- grid view

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
        c = { n: 0, sx: 0, sy: 0, minX: x, maxX: x, minY: y, maxY: y, first: p, key: key, zoom: zoom };
        out.set(key, c);
      }
      c.n++;
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

  /** A cluster's icon sits at its places' mean, moved only as far as keeps it inside its cell. */
  function clusterMarker(app, grid, c, select) {
    var room = (GRID_PX - symbols.clusterSize(c.n)) / 2;
    var cx = (Math.floor(c.sx / c.n / GRID_PX) + 0.5) * GRID_PX;
    var cy = (Math.floor(c.sy / c.n / GRID_PX) + 0.5) * GRID_PX;
    var x = Math.max(cx - room, Math.min(cx + room, c.sx / c.n));
    var y = Math.max(cy - room, Math.min(cy + room, c.sy / c.n));
    var marker = L.marker(app.map.unproject([x, y], c.zoom), {
      icon: symbols.clusterIcon(app, c.n), keyboard: true, title: lib.util.t(app, 'count.places', { n: c.n }), alt: lib.util.t(app, 'count.places', { n: c.n })
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

  lib.views = { markerOf: markerOf, ClusterView: ClusterView, GridView: GridView, gridCells: gridCells, cellKey: cellKey };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
