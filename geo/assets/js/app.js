/* geo atlas, app.js: builds the map page from the JSON data document by wiring the
 * other parts together.  window.geoAtlas is the page's API: init(map, dataElement),
 * called by the page, then what tests and the curious read (ready, map, places,
 * select, search, shownIds, stateOf, timeline, measure, ...).
 *
 * The parts share one context object, `app`, made here and given to each part that
 * needs it (no part keeps page state of its own):
 *   map, data, api              the Leaflet map, the data document, window.geoAtlas
 *   kinds, regions, statusLabels  Maps by code of the data's kinds, regions, statuses
 *   focus                       the region of a region map, or null
 *   state                       {regionsOn, online, kindsOn, regionsShown}: layers and filters
 *   timeline                    state.Timeline: the year shown (null: as now)
 *   places, byId, large, decimals  the places (see placesOf) and how they are drawn
 *   icons                       the markers' icons, shared (symbols.iconFor)
 *   countryLayers, kindLayers, regionLayer, view, legend
 *   listeners                   called after each refresh (legend counts, chart, list)
 *   refresh(), select(id), statusText(code), legendWidth()
 */
(function (lib) {
  'use strict';

  /** The context of one page, before its places are read. */
  function context(map, data) {
    var app = {
      map: map,
      data: data,
      api: window.geoAtlas,
      kinds: new Map(),
      regions: new Map(),
      statusLabels: new Map(),
      focus: data.focus,
      state: { regionsOn: true, online: false, kindsOn: new Map(), regionsShown: new Map() },
      timeline: lib.state.Timeline(data.timeline, new Date().getFullYear()),
      icons: new Map(),
      listeners: [],
      booting: true, // no refresh until every control is in place
      legend: null,
      view: null
    };
    data.kinds.forEach(function (k, i) { k.index = i; app.kinds.set(k.code, k); });
    data.regions.forEach(function (r) { app.regions.set(r.code, r); });
    data.statuses.forEach(function (s) { app.statusLabels.set(s.code, s.label); });
    data.kinds.forEach(function (k) { app.state.kindsOn.set(k.code, true); });
    data.regions.forEach(function (r) { app.state.regionsShown.set(r.code, true); });
    app.refresh = function () { refresh(app); };
    app.select = function (id) { return select(app, id); };
    app.statusText = function (code) { return app.statusLabels.get(code) || code; };
    app.legendWidth = function () { return lib.legend.width(app); };
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

  /** Which places show: the kind and region filters, and the timeline's year. */
  function refresh(app) {
    if (app.booting) return;
    lib.state.showAt(app.places, app.timeline.day(), app.state);
    app.view.sync();
    app.listeners.forEach(function (fn) { fn(); });
  }

  /** Show a place on the map and open its popup; false when it is not shown now. */
  function select(app, id) {
    var p = app.byId.get(id);
    if (!p || !p.on) return false;
    app.view.select(p);
    return true;
  }

  /** Fit the data's bounds, leaving room for the legend where the map is wide enough. */
  function fitView(app) {
    var right = Math.max(24, lib.legend.width(app));
    app.map.fitBounds(app.data.bounds, { paddingTopLeft: [60, 24], paddingBottomRight: [right, 24], maxZoom: 6, animate: false });
  }

  function addControls(app) {
    var map = app.map;
    L.control.scale({ position: 'bottomleft', imperial: false, maxWidth: 140 }).addTo(map);
    var search = lib.search.SearchControl(app, { position: 'topleft' });
    map.addControl(search);
    map.addControl(lib.fullscreen.FullscreenControl(app, { position: 'topleft' }));
    map.addControl(lib.measure.MeasureControl(app, { position: 'topleft' }));
    app.legend = lib.legend.LegendControl(app, { position: 'topright' });
    map.addControl(app.legend);
    var minimap = lib.minimap.MinimapControl(app, { position: 'bottomright' });
    map.addControl(minimap);
    if (app.timeline.enabled) map.addControl(lib.timeline.TimelineControl(app, { position: 'bottomleft' }));
    return { search: search, minimap: minimap };
  }

  /** The API for tests and for the curious (the measure and timeline controls add theirs). */
  function publish(app, controls, list, t0) {
    var api = app.api;
    api.map = app.map;
    api.view = app.view;
    api.cluster = app.view.cluster || null;
    api.places = app.places;
    api.large = app.large;
    api.select = app.select;
    api.fitView = function () { fitView(app); };
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

  function init(map, dataElement) {
    var data = JSON.parse(dataElement.textContent);
    var t0 = window.performance ? performance.now() : 0;
    lib.symbols.defs();
    var app = context(map, data);
    map.attributionControl.addAttribution('Basemap: Natural Earth (public domain)');
    var countries = lib.layers.countries(app);
    lib.layers.restyleCountries(app);
    placesOf(app);
    app.view = app.large ? lib.views.GridView(app) : lib.views.ClusterView(app);
    app.kindLayers = lib.layers.kindLayers(app);
    app.regionLayer = lib.layers.layerControl(app);
    var controls = addControls(app);
    fitView(app); // before the layers are drawn, so that they are drawn once
    countries.addTo(map);
    app.view.layer.addTo(map);
    app.kindLayers.forEach(function (layer) { layer.addTo(map); });
    var list = lib.list.buildList(app);
    app.booting = false;
    refresh(app);
    if (app.large) lib.search.warm(app.places, 0);
    publish(app, controls, list, t0);
  }

  window.geoAtlas = { init: init, ready: false };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
