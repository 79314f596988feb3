/* geo atlas, links.js: deep links.  The page's address (its #hash) carries what the
 * reader sees, and opening such an address shows it again:
 *
 *   #place=rocb-europe&year=2010              one place (its popup open), at a year
 *   #map=5.25/40.3777/49.892&hide=border_post  a view (zoom/lat/lon) and filters
 *
 * Keys, in this order: map (zoom/lat/lon, only once the reader moved the map and
 * no place is open), place (an id), year, hide (kinds hidden), hideregions
 * (regions hidden; "none" for places outside every region), hidestatus (statuses
 * hidden).  Values are percent-encoded; lists are comma-separated.  parse() and
 * format() are pure (unit-tested in node); Links(app) keeps the address in step.
 * The page's API gets link() (the hash now) and placeLink(id).
 */
(function (lib) {
  'use strict';

  var KEYS = ['map', 'place', 'year', 'hide', 'hideregions', 'hidestatus'];
  var NONE = 'none'; // the code of "outside every region" (null) in hideregions

  function list(text) {
    return text ? text.split(',').map(decodeURIComponent) : [];
  }

  /** A hash (with or without '#') as {view, place, year, hide, hideRegions, hideStatus}; bad parts are left out. */
  function parse(hash) {
    var out = { view: null, place: null, year: null, hide: [], hideRegions: [], hideStatus: [] };
    String(hash || '').replace(/^#/, '').split('&').forEach(function (part) {
      var eq = part.indexOf('=');
      if (eq < 0) return;
      var key = part.slice(0, eq);
      var value = part.slice(eq + 1);
      try {
        if (key === 'map') {
          var v = value.split('/').map(Number);
          if (v.length === 3 && v.every(isFinite) && Math.abs(v[1]) <= 90) out.view = { zoom: v[0], lat: v[1], lon: v[2] };
        } else if (key === 'place' && value) {
          out.place = decodeURIComponent(value);
        } else if (key === 'year' && /^\d{1,4}$/.test(value)) {
          out.year = Number(value);
        } else if (key === 'hide') {
          out.hide = list(value);
        } else if (key === 'hideregions') {
          out.hideRegions = list(value).map(function (c) { return c === NONE ? null : c; });
        } else if (key === 'hidestatus') {
          out.hideStatus = list(value);
        }
      } catch {
        // a malformed %-escape: that part is left out
      }
    });
    return out;
  }

  function join(values) {
    return values.map(function (v) { return encodeURIComponent(v === null ? NONE : v); }).join(',');
  }

  /** The hash of a state as parse() reads it (empty parts are left out); '' for the default view. */
  function format(s) {
    var parts = {};
    if (s.view && !s.place) {
      parts.map = [
        Math.round(s.view.zoom * 100) / 100, s.view.lat.toFixed(4), s.view.lon.toFixed(4)
      ].map(function (x) { return String(Number(x)); }).join('/');
    }
    if (s.place) parts.place = encodeURIComponent(s.place);
    if (s.year !== null && s.year !== undefined) parts.year = String(s.year);
    if (s.hide && s.hide.length) parts.hide = join(s.hide);
    if (s.hideRegions && s.hideRegions.length) parts.hideregions = join(s.hideRegions);
    if (s.hideStatus && s.hideStatus.length) parts.hidestatus = join(s.hideStatus);
    var out = KEYS.filter(function (k) { return parts[k] !== undefined; }).map(function (k) { return k + '=' + parts[k]; });
    return out.length ? '#' + out.join('&') : '';
  }

  /** The codes whose filter (a Map of code to boolean) is off, in the Map's order. */
  function offCodes(filter) {
    var out = [];
    if (filter) filter.forEach(function (on, code) { if (!on) out.push(code); });
    return out;
  }

  /**
   * The view now: the one last read or written (app.linkView) while the map is
   * within a pixel of it, so that a link gives back exactly the view it asked for.
   */
  function viewNow(app) {
    var map = app.map;
    var zoom = map.getZoom();
    var px = map.project(map.getCenter(), zoom);
    var last = app.linkView;
    if (last && last.view.zoom === zoom && px.distanceTo(last.px) < 1) return last.view;
    var c = map.getCenter();
    var view = { zoom: zoom, lat: c.lat, lon: c.lng };
    app.linkView = { view: view, px: px };
    return view;
  }

  /** What the page shows now, as format() takes it. */
  function current(app) {
    return {
      view: app.userMoved ? viewNow(app) : null,
      place: app.opened ? app.opened.id : null,
      year: app.timeline.year(),
      hide: offCodes(app.state.kindsOn).filter(function (code) { return app.kindLayers.has(code); }),
      hideRegions: offCodes(app.state.regionsShown),
      hideStatus: offCodes(app.state.statusesOn)
    };
  }

  /** The page's address without its hash, and a hash. */
  function address(hash) {
    return location.href.replace(/#.*$/, '') + hash;
  }

  /** Set the address's hash without a new history entry or a hashchange event. */
  function writeHash(hash) {
    if (location.hash === hash || (!hash && !location.hash)) return;
    try {
      history.replaceState(history.state, '', hash || location.pathname + location.search);
    } catch {
      // some browsers refuse it for file: pages; the address then stays as it was
    }
  }

  /** Apply a parsed hash: filters, year, then the place or the view. */
  function apply(app, s) {
    if (app.opened && app.opened.id !== s.place) {
      app.map.closePopup();
      if (app.sheet) app.sheet.hide();
    }
    app.state.kindsOn.forEach(function (on, code) {
      var layer = app.kindLayers.get(code);
      var want = s.hide.indexOf(code) < 0;
      if (layer && want !== app.map.hasLayer(layer)) {
        if (want) app.map.addLayer(layer); else app.map.removeLayer(layer);
      }
    });
    app.state.regionsShown.forEach(function (on, code) { app.state.regionsShown.set(code, s.hideRegions.indexOf(code) < 0); });
    app.state.statusesOn.forEach(function (on, code) { app.state.statusesOn.set(code, s.hideStatus.indexOf(code) < 0); });
    if (app.setYear && app.timeline.enabled) app.setYear(s.year); else app.refresh();
    if (s.place && app.byId.has(s.place) && app.select(s.place)) return;
    if (s.view) {
      app.userMoved = true;
      app.map.setView([s.view.lat, s.view.lon], s.view.zoom, { animate: false });
      app.linkView = { view: s.view, px: app.map.project([s.view.lat, s.view.lon], app.map.getZoom()) };
    }
  }

  /** Keep the address in step with the page, and the page with a changed address. */
  function Links(app) {
    var pending = null;
    function update() {
      if (pending !== null) return;
      pending = setTimeout(function () { pending = null; writeHash(format(current(app))); }, 0);
    }
    app.map.on('moveend', update);
    app.listeners.push(update);
    window.addEventListener('hashchange', function (e) {
      // the address typed or followed (a pending write of ours may have replaced it since)
      apply(app, parse(String(e.newURL || location.href).replace(/^[^#]*/, '')));
    });
    return {
      update: update,
      start: function () { if (location.hash) apply(app, parse(location.hash)); },
      hash: function () { return format(current(app)); },
      placeLink: function (id) {
        var year = app.timeline.year();
        return address(format({ place: id, year: year }));
      }
    };
  }

  lib.links = { parse: parse, format: format, Links: Links };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
