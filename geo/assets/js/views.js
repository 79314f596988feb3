/* geo atlas, views.js: the markers of places and the two views that draw them:
 * Leaflet.markercluster (ClusterView), or a screen grid for large maps (grid.js).
 * A view is {layer, sync(), select(p)}: sync() draws the places whose p.on is set,
 * as p.now says; select(p) shows one place and opens its popup.
 */
(function (lib) {
  'use strict';

  var symbols = lib.symbols;
  var sameState = lib.state.sameState;
  var SELECT_ZOOM = 8; // a selected place is shown at this zoom at least

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

  var CLUSTER_RADIUS = 30; // px: a cluster's tile (26) and its count (4 more): nearer ones would overlap

  /**
   * The plugin's radius for its clusters of a zoom level, so that they join symbols
   * nearer than CLUSTER_RADIUS on the screen: the map shows level round(z) at zoom z
   * (the plugin's rule), and keeps the fraction of its fitted zoom (zoomSnap 0.25),
   * `zoom`, at later zooms in or out.
   */
  function radiusAt(zoom) {
    var f = zoom - Math.floor(zoom);
    return CLUSTER_RADIUS * Math.pow(2, Math.round(f) - f);
  }

  /** The places a cluster's markers stand for: a group's places, or one place. */
  function placesIn(markers) {
    var out = [];
    markers.forEach(function (m) { out.push.apply(out, m.atlasGroup || [m.atlasPlace]); });
    return out;
  }

  /**
   * The places that show, joined where they share a point (groups.js): the main
   * places (and every answer of a query map) on a layer of their own, never
   * clustered; the others in one MarkerClusterGroup that joins only symbols that
   * would overlap.
   */
  function ClusterView(app) {
    var cluster = L.markerClusterGroup({
      showCoverageOnHover: false,
      // the radius of the zoom being fitted (regroup), else of the zoom shown
      maxClusterRadius: function () {
        view.radius = radiusAt(view.fitting === undefined ? app.map.getZoom() : view.fitting);
        return view.radius;
      },
      spiderfyOnMaxZoom: true,
      iconCreateFunction: function (group) {
        var places = placesIn(group.getAllChildMarkers());
        group.options.title = lib.groups.clusterText(app, places); // Leaflet reads it after this
        return lib.groups.clusterIcon(app, places, shiftOf(app, view, group));
      }
    });
    var view = {
      cluster: cluster,
      main: L.layerGroup(),
      satellites: L.layerGroup(), // beside a main place, the clusters of the places under its symbol
      spreader: lib.spread.Spreader(app),
      drawn: new Map() // a unit's key -> {marker, main, places, states}
    };
    app.places.forEach(function (p) { markerOf(app, p); });
    // a query map groups its answers whose symbols overlap at the zoom shown
    if (app.data.query) app.map.on('zoomend', function () { clusterSync(app, view); app.listeners.forEach(function (fn) { fn(); }); });
    return {
      layer: L.layerGroup([cluster, view.main, view.satellites, view.spreader.layer]),
      cluster: cluster,
      spreader: view.spreader,
      sync: function () { clusterSync(app, view); },
      select: function (p) { lib.select.clusterSelect(app, view, p); },
      drawnUnits: function () { return drawnUnits(app, view); },
      declutter: function (names) { lib.groups.declutter(app.map, view, names); },
      regroup: function (zoom) { regroup(app, view, zoom); },
      units: function () {
        return Array.from(view.drawn.values(), function (d) {
          return { ids: d.places.map(function (p) { return p.id; }), main: d.main, clustered: d.absorbed || cluster.getVisibleParent(d.marker) !== d.marker };
        });
      }
    };
  }

  /**
   * How far (CSS pixels) a cluster's tile moves off its point so as not to cover the
   * symbol of a main place: out of each such symbol's box the shortest way.
   */
  function shiftOf(app, view, group) {
    var map = app.map;
    var shift = L.point(0, 0);
    if (!map._loaded) return shift;
    var shown = map._animatingZoom ? map._animateToZoom : map.getZoom(); // the zoom being drawn (Leaflet's fields)
    var zoom = Math.round(shown) === group._zoom ? shown : group._zoom;
    var at = map.project(group.getLatLng(), zoom);
    var half = lib.groups.TILE / 2 + 2;
    var inside = new Set(group.getAllChildMarkers());
    // the icons near it of the places likely drawn on their own (no neighbour within the
    // clusters' radius) and of the main places: a move lands on as few as it can
    var near = [];
    view.drawn.forEach(function (d) {
      if (d.absorbed || inside.has(d.marker)) return;
      var b = iconBox(map, d.marker, zoom);
      if (Math.abs(b.left - at.x) < 120 && Math.abs(b.top - at.y) < 120) near.push({ d: d, b: b, c: map.project(d.marker.getLatLng(), zoom) });
    });
    var radius = radiusAt(zoom);
    var others = near.filter(function (o) {
      return o.d.main || !near.some(function (q) { return q !== o && !q.d.main && q.c.distanceTo(o.c) < radius; });
    }).map(function (o) { return o.b; });
    function hits(c) {
      return others.filter(function (b) { return c.x - half < b.right && b.left < c.x + half && c.y - half < b.bottom && b.top < c.y + half; }).length;
    }
    view.main.eachLayer(function (m) {
      var box = iconBox(map, m, zoom);
      var c = at.add(shift);
      var left = box.left - half, right = box.right + half, top = box.top - half, bottom = box.bottom + half;
      if (c.x <= left || c.x >= right || c.y <= top || c.y >= bottom) return;
      var xs = [0, left - c.x, right - c.x], ys = [0, top - c.y, bottom - c.y];
      var moves = [];
      xs.forEach(function (dx) { ys.forEach(function (dy) { if (dx || dy) moves.push(L.point(dx, dy)); }); });
      moves = moves.map(function (v) { return { v: v, hits: hits(c.add(v)), length: Math.abs(v.x) + Math.abs(v.y) }; });
      moves.sort(function (a, b) { return a.hits - b.hits || a.length - b.length; });
      shift = shift.add(moves[0].v);
    });
    return shift.round();
  }

  /**
   * Before a view is fitted at `zoom` (a first view again: the screen resized), the
   * clusters made again with the radius of that zoom where its fraction gives another:
   * the plugin sets each level's radius once, when it first clusters, and a radius of
   * another fraction leaves symbols that overlap unclustered (or parts ones that do
   * not).  Made again at the zoom shown, before the fit's zoom: the plugin then goes
   * to it as to any zoom.  While the clusters animate, made again when they end.
   */
  function regroup(app, view, zoom) {
    var cluster = view.cluster;
    if (!cluster._map || radiusAt(zoom) === view.radius) return; // clustered when added, at the zoom fitted
    if (cluster._inZoomAnimation) {
      cluster.once('animationend', function () { regroup(app, view, app.map.getZoom()); });
      return;
    }
    var markers = cluster.getLayers();
    view.fitting = zoom;
    cluster.clearLayers();
    cluster.addLayers(markers);
    view.fitting = undefined;
  }

  /** Whether a drawn unit is stale: gone, no longer main or not, or one of its places changed. */
  function stale(d, u) {
    return !u || u.main !== d.main || d.places.some(function (p, i) { return !sameState(d.states[i], p.now); });
  }

  function clusterSync(app, view) {
    var units = new Map();
    lib.groups.unitsOf(app).forEach(function (u) { units.set(u.key, u); });
    var out = [];
    view.drawn.forEach(function (d, key) {
      if (!stale(d, units.get(key))) return;
      if (view.spreader.isOpen(d.marker)) view.spreader.gather();
      if (d.main) view.main.removeLayer(d.marker); else if (!d.absorbed) out.push(d.marker);
      view.drawn.delete(key);
    });
    if (out.length) view.cluster.removeLayers(out); // before markers move: the plugin finds them by position
    var add = [];
    units.forEach(function (u, key) {
      if (view.drawn.has(key)) return;
      u.places.forEach(function (p) { markerOf(app, p); restyle(app, p); });
      var marker = u.places.length === 1 ? u.places[0].marker : lib.groups.groupMarker(app, u, view.spreader);
      marker.setZIndexOffset(u.main ? 1000 : 0);
      view.drawn.set(key, { marker: marker, main: u.main, places: u.places, states: u.places.map(function (p) { return p.now; }), absorbed: false });
      if (u.main) view.main.addLayer(marker); else add.push(marker);
    });
    if (add.length) view.cluster.addLayers(add);
    if (!view.watching) { // after the plugin's own handlers: it is added to the map by now
      view.watching = true;
      app.map.on('zoomend', function () { attach(app, view); });
      app.map.on('moveend', function () { lib.groups.declutter(app.map, view); });
      view.cluster.on('animationend', function () { lib.groups.declutter(app.map, view); });
    }
    attach(app, view);
  }

  /** The box of a marker's icon, in world pixels at a zoom. */
  function iconBox(map, marker, zoom) {
    var icon = marker.options.icon.options;
    var size = L.point(icon.iconSize), anchor = icon.iconAnchor ? L.point(icon.iconAnchor) : size.divideBy(2);
    var corner = map.project(marker.getLatLng(), zoom).subtract(anchor);
    return { left: corner.x, top: corner.y, right: corner.x + size.x, bottom: corner.y + size.y };
  }

  /**
   * The places whose symbol a main place's would cover at the zoom shown leave the
   * clusters: each main place gets beside it a cluster of them (a satellite), which
   * zooms in to part them.  Redone after each zoom.
   */
  function attach(app, view) {
    var map = app.map;
    if (!map._loaded) return;
    var zoom = map.getZoom();
    var mains = [];
    view.drawn.forEach(function (d) { if (d.main) mains.push({ d: d, box: iconBox(map, d.marker, zoom), list: [] }); });
    var into = [], out = [];
    view.drawn.forEach(function (d) {
      if (d.main) return;
      var own = iconBox(map, d.marker, zoom);
      var host = null;
      mains.forEach(function (m) {
        var b = m.box;
        if (!host && own.left < b.right && b.left < own.right && own.top < b.bottom && b.top < own.bottom) host = m;
      });
      if (host) host.list.push(d);
      if (host && !d.absorbed) into.push(d.marker);
      if (!host && d.absorbed) out.push(d.marker);
      d.absorbed = !!host;
    });
    if (into.length) view.cluster.removeLayers(into);
    if (out.length) view.cluster.addLayers(out);
    view.satellites.clearLayers();
    var icons = lib.labels.markerBoxes(map); // what is drawn now: a satellite covers as little as it can
    mains.forEach(function (m) {
      if (!m.list.length) return;
      var marker = satellite(app, m, zoom, icons);
      view.satellites.addLayer(marker);
    });
    lib.groups.declutter(app.map, view);
  }

  /** Whether a main place's symbol covers a drawn unit's at a zoom. */
  function underMain(app, view, d, zoom) {
    var own = iconBox(app.map, d.marker, zoom);
    var hit = false;
    view.main.eachLayer(function (m) {
      var b = iconBox(app.map, m, zoom);
      if (own.left < b.right && b.left < own.right && own.top < b.bottom && b.top < own.bottom) hit = true;
    });
    return hit;
  }

  /** The cluster of the places under a main place's symbol, at its lower right; a click zooms in. */
  function satellite(app, m, zoom, icons) {
    var map = app.map;
    var places = placesIn(m.list.map(function (d) { return d.marker; }));
    var tile = lib.groups.TILE;
    var half = tile / 2 + 2;
    var point = map.project(m.d.marker.getLatLng(), zoom);
    var b = m.box;
    var xs = [b.right + half - 1, b.left - half + 1], ys = [b.bottom + tile / 2 - 6, b.top - tile / 2 + 6]; // beside it, lower or higher
    var spots = [[xs[0], ys[0]], [xs[0], ys[1]], [xs[1], ys[0]], [xs[1], ys[1]],
      [b.right + half, (b.top + b.bottom) / 2], [b.left - half, (b.top + b.bottom) / 2],
      [(b.left + b.right) / 2, b.bottom + half], [(b.left + b.right) / 2, b.top - half]];
    var best = null;
    spots.forEach(function (c) {
      var hits = icons.filter(function (o) {
        var own = o.left >= b.left - 1 && o.right <= b.right + 1 && o.top >= b.top - 1 && o.bottom <= b.bottom + 1;
        return !own && c[0] - half < o.right && o.left < c[0] + half && c[1] - half < o.bottom && o.top < c[1] + half;
      }).length;
      if (!best || hits < best.hits) best = { c: c, hits: hits };
    });
    var shift = L.point(best.c[0], best.c[1]).subtract(point).round();
    var text = lib.groups.clusterText(app, places);
    var marker = L.marker(m.d.marker.getLatLng(), {
      icon: lib.groups.clusterIcon(app, places, shift, 'atlas-satellite'), keyboard: true, title: text, zIndexOffset: 500
    });
    marker.on('click', function () {
      var bounds = L.latLngBounds([m.d.marker.getLatLng()].concat(m.list.map(function (d) { return d.marker.getLatLng(); })));
      var target = Math.max(map.getBoundsZoom(bounds.pad(0.5)), map.getZoom() + 1);
      map.setView(bounds.getCenter(), Math.min(target, map.getMaxZoom()));
    });
    marker.atlasAbsorbed = places;
    return marker;
  }

  /**
   * The units drawn on their own now, for the names beside them (groups.officeNames):
   * {places, main, lat, lon, box: {left, right, top, bottom} the icon's extent from its point}.
   */
  function drawnUnits(app, view) {
    var out = [];
    view.drawn.forEach(function (d) {
      if (!d.main && (d.absorbed || view.cluster.getVisibleParent(d.marker) !== d.marker)) return;
      var icon = d.marker.options.icon.options;
      var size = L.point(icon.iconSize), anchor = icon.iconAnchor ? L.point(icon.iconAnchor) : size.divideBy(2);
      var at = d.marker.getLatLng();
      out.push({
        places: d.places, main: d.main, lat: at.lat, lon: at.lng,
        box: { left: anchor.x, right: size.x - anchor.x, top: anchor.y, bottom: size.y - anchor.y }
      });
    });
    return out;
  }

  // ---- keyboard

  /**
   * Enter or Space on a marker, a group or a cluster does what a click does (Leaflet
   * itself answers Enter on a marker only, and not on a cluster).  A group spread from
   * the keyboard gives the focus to its first place; a cluster that zoomed in, to the map.
   */
  function activateByKeys(app) {
    var map = app.map;
    L.DomEvent.on(map.getPane('markerPane'), 'keydown', function (e) {
      var el = e.target;
      if ((e.key !== 'Enter' && e.key !== ' ') || !el.classList || !el.classList.contains('leaflet-marker-icon')) return;
      L.DomEvent.preventDefault(e); // and so no keypress: Leaflet's Enter would click twice
      el.click();
      var spreader = app.view.spreader;
      var first = spreader && spreader.firstElement();
      if (first && el.classList.contains('atlas-group')) first.focus();
      else if (el.classList.contains('atlas-cluster')) {
        map.once('moveend', function () { if (!el.isConnected) map.getContainer().focus(); });
      }
    });
  }

  lib.views = { activateByKeys: activateByKeys, radiusAt: radiusAt, markerOf: markerOf, restyle: restyle, placesIn: placesIn, ClusterView: ClusterView, underMain: underMain, SELECT_ZOOM: SELECT_ZOOM };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
