/* geo atlas, app.js: builds the map page from the JSON data document by wiring the
 * other parts together.  window.geoAtlas is the page's API: init(map, dataElement),
 * called by the page, then what tests and the curious read (ready, map, places,
 * select, search, shownIds, stateOf, timeline, measure, ...).
 *
 * The parts share one context object, `app`, made here and given to each part that
 * needs it (no part keeps page state of its own):
 *   map, data, api              the Leaflet map, the data document, window.geoAtlas
 *   words                       the page's phrases by message id, from the map's catalogue (util.t)
 *   kinds, regions, statusLabels  Maps by code of the data's kinds, regions, statuses
 *   focus                       the region of a region map, or null
 *   state                       {regionsOn, online, kindsOn, regionsShown, statusesOn}: layers and filters
 *   timeline                    state.Timeline: the year shown (null: as now)
 *   places, byId, large, decimals  the places (see placesOf) and how they are drawn
 *   icons                       the markers' icons, shared (symbols.iconFor)
 *   detail                      the detail windows (detail.js), or null
 *   countryLayers, kindLayers, regionLayer, layersControl, view, legend, list
 *   layout, sheet, links        the screen's layout, a phone's bottom sheet, the deep links
 *                               (keys.js: the skip link, the Tab order, Escape)
 *   userMoved, fitting          whether the reader moved the map; whether layout.fit is at work
 *   opened                      the place whose popup (or sheet) is open, or null
 *   listeners                   called after each refresh (legend counts, chart, list, address)
 *   refresh(), select(id), statusText(code), placeOpened(p), setYear(y), showAll()
 */
(function (lib) {
  'use strict';

  var util = lib.util;

  /** The context of one page, before its places are read. */
  function context(map, data) {
    var app = {
      map: map,
      data: data,
      api: window.geoAtlas,
      words: data.words || {},
      kinds: new Map(),
      regions: new Map(),
      statusLabels: new Map(),
      focus: data.focus,
      state: { regionsOn: true, online: false, kindsOn: new Map(), regionsShown: new Map(), statusesOn: new Map() },
      timeline: lib.state.Timeline(data.timeline, new Date().getFullYear()),
      icons: new Map(),
      listeners: [],
      booting: true, // no refresh until every control is in place
      legend: null,
      view: null,
      opened: null
    };
    data.kinds.forEach(function (k, i) { k.index = i; app.kinds.set(k.code, k); });
    data.regions.forEach(function (r) { app.regions.set(r.code, r); });
    data.statuses.forEach(function (s) { app.statusLabels.set(s.code, s.label); });
    data.kinds.forEach(function (k) { app.state.kindsOn.set(k.code, true); });
    data.regions.forEach(function (r) { app.state.regionsShown.set(r.code, true); });
    data.statuses.forEach(function (s) { app.state.statusesOn.set(s.code, true); });
    app.refresh = function () { refresh(app); };
    app.select = function (id) { return select(app, id); };
    app.statusText = function (code) { return app.statusLabels.get(code) || code; };
    app.showAll = function () { lib.legend.showAll(app); };
    app.placeOpened = function (p) {
      app.opened = p || null;
      if (p) selected(app); // the selection is done: layout.js may tidy the view
      if (app.links) app.links.update();
    };
    return app;
  }

  /**
   * Read the places: each gets kindInfo, base (its state as now), now (its state at
   * the timeline's year, null before it existed) and on (shown).
   */
  function placesOf(app) {
    var data = app.data;
    app.places = lib.decode.readPlaces(data);
    app.large = !!data.grid; // geo.render.GRID_THRESHOLD
    app.decimals = lib.decode.decimals(data);
    app.byId = new Map();
    app.places.forEach(function (p) {
      p.kindInfo = app.kinds.get(p.kind);
      p.base = { status: p.status, lat: p.lat, lon: p.lon };
      p.now = p.base;
      p.on = false;
      app.byId.set(p.id, p);
    });
  }

  /**
   * Which places show: the filters and the timeline's year.  The open place's popup
   * (or sheet) stays open and says what the place is now; it closes if the place
   * no longer shows.
   */
  function refresh(app) {
    if (app.booting) return;
    var opened = app.opened;
    lib.state.showAt(app.places, app.timeline.day(), app.state);
    app.view.sync();
    if (opened) keepOpen(app, opened);
    app.listeners.forEach(function (fn) { fn(); });
  }

  function keepOpen(app, p) {
    var marker = p.marker;
    if (!p.on) {
      app.map.closePopup();
      if (app.sheet) app.sheet.hide();
    } else if (app.sheet && app.sheet.isOpen()) {
      app.sheet.show(marker.getPopup(), true);
    } else if (marker && marker.isPopupOpen()) {
      marker.getPopup().update();
    } else {
      app.view.select(p);
    }
  }

  /**
   * A selection has ended (its place opened, or given up): the moves it made were left
   * alone by the clearing step (layout.js), which now looks at the view once.
   */
  function selected(app) {
    if (!app.selecting) return;
    app.selecting = false;
    clearTimeout(app.selectingTimer);
    if (app.layout) app.layout.clear.schedule();
  }

  /** Show a place on the map and open its popup; false when it is not shown now. */
  function select(app, id) {
    var p = app.byId.get(id);
    if (!p || !p.on) return false;
    app.selecting = true; // the view's steps (zoom, spiderfy, open) are not to be disturbed
    clearTimeout(app.selectingTimer);
    app.selectingTimer = setTimeout(function () { selected(app); }, 3000);
    app.view.select(p);
    return true;
  }

  /** Follow the popups that open and close: app.opened, and the address (links.js). */
  function trackPopups(app) {
    app.map.on('popupopen', function (e) {
      var source = e.popup._source;
      app.placeOpened(source && source.atlasPlace);
    });
    app.map.on('popupclose', function (e) {
      var source = e.popup._source;
      if (!source || !app.opened || source.atlasPlace === app.opened) app.placeOpened(null);
    });
  }

  function addControls(app) {
    var map = app.map;
    L.control.zoom({ zoomInTitle: util.t(app, 'control.zoom_in'), zoomOutTitle: util.t(app, 'control.zoom_out') }).addTo(map);
    L.control.scale({ position: 'bottomleft', imperial: false, maxWidth: 140 }).addTo(map);
    var search = lib.search.SearchBox(app, document.getElementById('atlas-search-slot'), { position: 'topleft' });
    map.addControl(lib.fullscreen.FullscreenControl(app, { position: 'topleft' }));
    map.addControl(lib.measure.MeasureControl(app, { position: 'topleft' }));
    map.addControl(lib.download.DownloadControl(app, { position: 'topleft' }));
    app.legend = lib.legend.LegendControl(app, { position: 'topright' });
    map.addControl(app.legend);
    var minimap = lib.minimap.MinimapControl(app, { position: 'bottomright' });
    map.addControl(minimap);
    if (app.timeline.enabled) {
      app.timelineControl = lib.timeline.TimelineControl(app, { position: 'bottomleft' });
      map.addControl(app.timelineControl);
    }
    return { search: search, minimap: minimap };
  }

  /** The API for tests and for the curious (the measure and timeline controls add theirs). */
  function publish(app, controls, list, t0) {
    var api = app.api;
    api.map = app.map;
    api.view = app.view;
    api.cluster = app.view.cluster || null;
    api.units = app.view.units || null; // the cluster view's: what is drawn, grouped and clustered
    api.places = app.places;
    api.large = app.large;
    api.select = app.select;
    api.fitView = function () { lib.layout.fit(app); };
    api.link = app.links.hash;
    api.placeLink = app.links.placeLink;
    api.labels = controls.labels;
    api.sheet = app.sheet;
    api.menu = app.layout.menu;
    api.obstacles = function () { return lib.layout.obstacles(app); };
    api.settled = app.layout.clear.settled; // no move pending: the markers are where they stay
    api.clearRuns = function () { return app.layout.clear.runs; };
    api.fits = function () { return app.fits || 0; }; // first views fitted (layout.fit)
    api.firstView = function () { return app.firstView; }; // 'fit' (every place) or 'fill' (the screen)
    api.resizes = function () { return app.resizes || 0; }; // resizes laid out
    api.setYear = function (y) { if (app.setYear) app.setYear(y); };
    api.search = function (q) { return lib.search.find(app.places, q).map(function (p) { return p.id; }); };
    api.shownIds = function () {
      return app.places.filter(function (p) { return p.on; }).map(function (p) { return p.id; });
    };
    api.stateOf = function (id) {
      var p = app.byId.get(id);
      return p && p.now ? { status: p.now.status, lat: p.now.lat, lon: p.now.lon, shown: p.on } : null;
    };
    api.kindLayers = app.kindLayers;
    api.regionLayer = app.regionLayer;
    api.list = list;
    api.minimap = controls.minimap;
    api.searchInput = controls.search.input;
    api.renderMs = window.performance ? performance.now() - t0 : 0;
    api.ready = true;
    document.documentElement.setAttribute('data-atlas-ready', 'true');
  }

  /** The attribution line in the map's language: Leaflet's own credit and the basemap's. */
  function credits(app) {
    var control = app.map.attributionControl;
    var prefix = L.Control.Attribution.prototype.options.prefix;
    if (typeof prefix === 'string') {
      control.setPrefix(prefix.replace(/title="[^"]*"/, 'title="' + util.esc(util.t(app, 'attribution.leaflet')) + '"'));
    }
    control.addAttribution(util.esc(util.t(app, 'attribution.basemap')));
    if ((app.data.towns || []).length) control.addAttribution(util.esc(util.t(app, 'attribution.towns')));
  }

  function init(map, dataElement) {
    var data = JSON.parse(dataElement.textContent);
    var t0 = window.performance ? performance.now() : 0;
    lib.symbols.defs();
    var app = context(map, data);
    credits(app);
    var countries = lib.layers.countries(app);
    lib.layers.restyleCountries(app);
    placesOf(app);
    app.view = app.large ? lib.grid.GridView(app) : lib.views.ClusterView(app);
    app.kindLayers = lib.layers.kindLayers(app);
    app.regionLayer = lib.layers.layerControl(app);
    var controls = addControls(app);
    app.sheet = lib.sheet.Sheet(app);
    app.layout = lib.layout.Layout(app, function () {
      return [app.legend, app.timelineControl, app.layersControl].filter(Boolean);
    });
    lib.keys.Keys(app, controls.search.input); // before the layers: shapes are no Tab stops
    lib.layout.fit(app); // before the layers are drawn, so that they are drawn once
    countries.addTo(map);
    app.detail = lib.detail.Detail(app);
    controls.labels = lib.labels.CountryLabels(app);
    var query = lib.query.queryLayer(app);
    if (query) query.addTo(map);
    app.view.layer.addTo(map);
    lib.views.activateByKeys(app);
    app.kindLayers.forEach(function (layer) { layer.addTo(map); });
    app.list = lib.list.buildList(app);
    app.links = lib.links.Links(app);
    trackPopups(app);
    app.booting = false;
    refresh(app);
    app.links.start();
    if (app.large) lib.search.warm(app.places, 0);
    publish(app, controls, app.list, t0);
  }

  window.geoAtlas = { init: init, ready: false };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
