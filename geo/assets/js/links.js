/* geo atlas, links.js: deep links.  The page's address (its #hash) carries what the
 * reader sees, and opening such an address shows it again:
 *
 *   #place=rocb-europe&year=2010              one place (its popup open), at a year
 *   #map=5.25/40.3777/49.892&hide=border_post  a view (zoom/lat/lon) and filters
 *
 * Keys, in this order: map (zoom/lat/lon, only once the reader moved the map and
 * no place is open), place (an id), year, hide (kinds hidden), hideregions
 * (regions hidden; "none" for places outside every region), hidestatus (statuses
 * hidden).  Values are percent-encoded; lists are comma-separated.  parse(),
 * check() and format() are pure (unit-tested in node); Links(app) keeps the address
 * in step.  The page's API gets link() (the hash now) and placeLink(id).
 *
 * An address is typed or pasted by anyone: every value is checked before use and a
 * bad one is left out, as if absent (the page starts whatever the address holds).
 * parse() keeps what is well formed (decimal numbers, a latitude in [-90, 90], a
 * longitude within a turn and a half, a year of four digits); check() keeps what
 * the page has (a zoom of the map's range, a year of the timeline, a place's id,
 * the filters' codes) and moves a longitude into the world the page draws.
 *
 * The header's links to the page in other languages carry the same hash, and the
 * view even with a place open (#map=...&place=...): the other language opens on
 * the same place, year, filters and view.
 */
(function (lib) {
  'use strict';

  var KEYS = ['map', 'place', 'year', 'hide', 'hideregions', 'hidestatus'];
  var NONE = 'none'; // the code of "outside every region" (null) in hideregions
  var NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/; // what a link's number may be
  var MAX_NUMBER = 32; // characters of a number in a link, at most
  var MAX_LON = 540; // |longitude| of a view: the page's world lies within [-180, 540)

  function list(text) {
    return text ? text.split(',').map(decodeURIComponent) : [];
  }

  /** A decimal number of a link, or NaN (empty text, hexadecimal, Infinity, too long...). */
  function number(text) {
    return text.length <= MAX_NUMBER && NUMBER.test(text) ? Number(text) : NaN;
  }

  /** {zoom, lat, lon} of a map value 'zoom/lat/lon', or null when it is not one. */
  function viewOf(value) {
    var v = value.split('/').map(number);
    if (v.length !== 3 || !v.every(isFinite)) return null;
    if (Math.abs(v[1]) > 90 || Math.abs(v[2]) > MAX_LON) return null;
    return { zoom: v[0] + 0, lat: v[1] + 0, lon: v[2] + 0 }; // + 0: no -0
  }

  /**
   * A hash (with or without '#') as {view, place, year, hide, hideRegions, hideStatus};
   * bad parts are left out.  With `limits` (see check), what the page does not have too.
   */
  function parse(hash, limits) {
    var out = { view: null, place: null, year: null, hide: [], hideRegions: [], hideStatus: [] };
    String(hash || '').replace(/^#/, '').split('&').forEach(function (part) {
      var eq = part.indexOf('=');
      if (eq < 0) return;
      var key = part.slice(0, eq);
      var value = part.slice(eq + 1);
      try {
        if (key === 'map') {
          out.view = viewOf(value);
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
    return limits ? check(out, limits) : out;
  }

  /** lon moved by a multiple of 360 into [centre - 180, centre + 180) (geo.render.view._shift_lon). */
  function wrapLon(lon, centre) {
    var x = (lon - centre + 180) % 360;
    if (x < 0) x += 360;
    return x - 180 + centre + 0;
  }

  /**
   * What of a parsed hash the page has: limits are {minZoom, maxZoom} of the map,
   * {first, last} of the timeline (null: no timeline), centreLon of the page's world,
   * and has(kind, code) for 'place', 'kind', 'region' and 'status'.  A value it
   * does not have is left out; the longitude is moved into the page's world.
   */
  function check(s, limits) {
    var has = limits.has || function () { return true; };
    var out = { view: null, place: null, year: null, hide: [], hideRegions: [], hideStatus: [] };
    var v = s.view;
    if (v && v.zoom >= limits.minZoom && v.zoom <= limits.maxZoom) {
      out.view = { zoom: v.zoom, lat: v.lat, lon: wrapLon(v.lon, limits.centreLon || 0) };
    }
    if (s.place !== null && has('place', s.place)) out.place = s.place;
    if (s.year !== null && limits.first !== null && limits.first !== undefined && s.year >= limits.first && s.year <= limits.last) {
      out.year = s.year;
    }
    out.hide = s.hide.filter(function (code) { return has('kind', code); });
    out.hideRegions = s.hideRegions.filter(function (code) { return has('region', code); });
    out.hideStatus = s.hideStatus.filter(function (code) { return has('status', code); });
    return out;
  }

  /** The longitude the page's world is centred on (geo.render.view._center_lon), from data.bounds. */
  function centreLon(bounds) {
    if (!bounds || !bounds[0] || !bounds[1]) return 0;
    var west = bounds[0][1], east = bounds[1][1];
    return east > 180 ? (west + east) / 2 : 0;
  }

  /** The limits of check() for a page. */
  function limitsOf(app) {
    var sets = { place: app.byId, kind: app.state.kindsOn, region: app.state.regionsShown, status: app.state.statusesOn };
    var timeline = app.timeline;
    return {
      minZoom: app.map.getMinZoom(),
      maxZoom: app.map.getMaxZoom(),
      first: timeline.enabled ? timeline.first : null,
      last: timeline.enabled ? timeline.last : null,
      centreLon: centreLon(app.data.bounds),
      has: function (kind, code) { return sets[kind].has(code); }
    };
  }

  function join(values) {
    return values.map(function (v) { return encodeURIComponent(v === null ? NONE : v); }).join(',');
  }

  /**
   * The hash of a state as parse() reads it (empty parts are left out); '' for the
   * default view.  The view is left out when a place is open, unless `withView`.
   */
  function format(s, withView) {
    var parts = {};
    if (s.view && (!s.place || withView)) {
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
    // a reader may pan worlds away: the link gives the same spot in the world the page draws
    var view = { zoom: zoom, lat: c.lat, lon: wrapLon(c.lng, centreLon(app.data.bounds)) };
    app.linkView = { view: view, px: px };
    return view;
  }

  /** What the page shows now, as format() takes it; the view when moved (or `withView` and a place is open). */
  function current(app, withView) {
    return {
      view: app.userMoved || (withView && app.opened) ? viewNow(app) : null,
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
    app.viewAfterOpen = null;
    if (s.place && app.byId.has(s.place) && app.select(s.place)) {
      // the view too (a language link): once the place is open, as showing it moves the map
      if (s.view) app.viewAfterOpen = { place: s.place, view: s.view };
      return;
    }
    if (s.view) showView(app, s.view);
  }

  function showView(app, view) {
    app.userMoved = true;
    app.map.setView([view.lat, view.lon], view.zoom, { animate: false });
    app.linkView = { view: view, px: app.map.project([view.lat, view.lon], app.map.getZoom()) };
    if (app.layout) app.layout.clear.hold(); // the view asked for, exactly
  }

  /** The view a link asked for with its place, shown once that place is open (then forgotten). */
  function afterOpen(app) {
    var want = app.viewAfterOpen;
    if (!want || !app.opened) return;
    app.viewAfterOpen = null;
    if (app.opened.id === want.place) showView(app, want.view);
  }

  /** The header's links to this page in other languages, each with its address without a hash. */
  function languageLinks() {
    var nodes = typeof document === 'undefined' ? [] : document.querySelectorAll('.atlas-langs a[hreflang]');
    return Array.prototype.map.call(nodes, function (a) {
      return { a: a, base: (a.getAttribute('href') || '').replace(/#.*$/, '') };
    });
  }

  /** Keep the address in step with the page, and the page with a changed address. */
  function Links(app) {
    var pending = null;
    var languages = languageLinks();
    function follow() {
      var hash = format(current(app, true), true);
      languages.forEach(function (l) { l.a.setAttribute('href', l.base + hash); });
    }
    function update() {
      if (pending !== null) return;
      pending = setTimeout(function () {
        pending = null;
        afterOpen(app);
        writeHash(format(current(app)));
        follow();
      }, 0);
    }
    app.map.on('moveend', update);
    app.listeners.push(update);
    window.addEventListener('hashchange', function (e) {
      // the address typed or followed (a pending write of ours may have replaced it since)
      apply(app, parse(String(e.newURL || location.href).replace(/^[^#]*/, ''), limitsOf(app)));
    });
    return {
      update: update,
      start: function () {
        if (location.hash) apply(app, parse(location.hash, limitsOf(app)));
        follow();
      },
      hash: function () { return format(current(app)); },
      placeLink: function (id) {
        var year = app.timeline.year();
        return address(format({ place: id, year: year }));
      }
    };
  }

  lib.links = { parse: parse, check: check, wrapLon: wrapLon, centreLon: centreLon, format: format, Links: Links };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
