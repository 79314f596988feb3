/* geo atlas, layers.js: the offline basemap (countries coloured by WCO region), the
 * online tile layers, the kind layers (proxies that filter the places) and Leaflet's
 * layer control that switches them.
 */
(function (lib) {
  'use strict';

  var util = lib.util;
  var h = util.h;
  // The online tile layers: each one's name is a key of the page's words.
  var OSM = '<a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'; // constant markup
  var TILES = [
    {
      name: 'layers.osm',
      url: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
      options: { maxZoom: 19 },
      credit: ''
    },
    {
      name: 'layers.carto',
      url: 'https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png',
      options: { maxZoom: 20, subdomains: 'abcd' },
      credit: ' &copy; <a href="https://carto.com/attributions">CARTO</a>'
    }
  ];

  /** "© OpenStreetMap contributors" in the map's language: escaped words around constant markup. */
  function osmCredit(app) {
    return '&copy; ' + util.esc(util.t(app, 'attribution.osm', { osm: '\u0000' })).replace('\u0000', OSM);
  }
  var LAND_EDGE = '#c9c3b8';
  // Neighbouring countries never share a colour index (geo.render.basemap._colours): without
  // the regions' colours, five muted lands; with them, five shades of the region's colour.
  var LANDS = ['#f3f0ea', '#e9e4d6', '#eef1e4', '#f4eadf', '#e6e9ec'];
  var SHADES = [0, 0.36, 0.62, 0.18, 0.5]; // tint of the region's fill (towards white)
  var HATCHES = 5; // patterns atlas-hatch-0 .. -4 (symbols.js), on the LANDS

  // ---- basemap: countries, coloured by WCO region

  /** The countries of the data document, in their own pane; app.countryLayers holds the polygons. */
  function countries(app) {
    var map = app.map;
    map.createPane('atlas-countries');
    map.getPane('atlas-countries').style.zIndex = 350;
    var renderer = L.svg({ pane: 'atlas-countries', padding: 0.6 });
    var group = L.featureGroup();
    app.countryLayers = [];
    app.data.countries.forEach(function (row) {
      var poly = L.polygon(lib.decode.countryRings(row[4]), { renderer: renderer, pane: 'atlas-countries', smoothFactor: 0.6 });
      poly.atlasCountry = { iso3: row[0], name: row[1], region: row[2], member: row[3], colour: (row[6] || 0) % LANDS.length };
      poly.bindTooltip(function (layer) { return countryTooltip(app, layer.atlasCountry); }, {
        sticky: true, direction: 'top', className: 'atlas-country-tip', opacity: 0.95
      });
      app.countryLayers.push(poly);
      group.addLayer(poly);
    });
    return group;
  }

  /** Tooltip of a country, built when first shown. */
  function countryTooltip(app, c) {
    var region = app.regions.get(c.region);
    var status = c.member ? util.t(app, 'member.yes') + (region ? ' \u00b7 ' + region.name : '') : util.t(app, 'member.no');
    return h('span', {}, [h('strong', { textContent: util.short(c.name || c.iso3) }), h('br'), status]);
  }

  /** A country's style: region colours on or off, offline or over online tiles, in focus or not. */
  function countryStyle(app, c) {
    var state = app.state;
    var focus = app.focus;
    var region = app.regions.get(c.region);
    var coloured = state.regionsOn && c.member && region && region.color;
    var fill = coloured ? util.tint(util.regionFill(region.color), SHADES[c.colour]) : LANDS[c.colour];
    if (state.regionsOn && !c.member) fill = 'url(#atlas-hatch-' + (c.colour % HATCHES) + ')';
    var dim = focus && c.region !== focus;
    if (dim && fill.charAt(0) === '#') fill = util.tint(fill, 0.6);
    var opacity = state.online ? (state.regionsOn && c.member ? 0.45 : 0) : 1;
    if (state.online && dim) opacity *= 0.4;
    return {
      color: state.online ? '#555555' : coloured ? '#ffffff' : LAND_EDGE,
      weight: focus && c.region === focus && c.member ? 1 : 0.6,
      opacity: state.online ? 0.5 : 1,
      fillColor: fill,
      fillOpacity: opacity
    };
  }

  function restyleCountries(app) {
    app.countryLayers.forEach(function (p) { p.setStyle(countryStyle(app, p.atlasCountry)); });
    app.map.getContainer().classList.toggle('atlas-online', app.state.online);
    app.map.fire('atlas:restyled'); // the detail windows (detail.js) follow
  }

  // ---- kind layers: proxies that add/remove their markers in the view

  /** A layer per kind that has places: adding or removing it sets the kind's filter. */
  function kindLayers(app) {
    var KindLayer = L.Layer.extend({
      initialize: function (code) { this.code = code; },
      onAdd: function () { app.state.kindsOn.set(this.code, true); app.refresh(); },
      onRemove: function () { app.state.kindsOn.set(this.code, false); app.refresh(); }
    });
    var layers = new Map();
    app.data.kinds.forEach(function (k) {
      if (!k.count) return;
      layers.set(k.code, new KindLayer(k.code));
    });
    app.data.kinds.forEach(function (k) { if (!layers.has(k.code)) app.state.kindsOn.set(k.code, true); });
    return layers;
  }

  // ---- layer control

  /** Base layers (offline, online tiles) and overlays (regions, kinds); returns the regions' layer. */
  function layerControl(app) {
    var map = app.map;
    var offline = L.layerGroup();
    var base = {};
    base[util.esc(util.t(app, 'layers.offline'))] = offline;
    TILES.forEach(function (tiles) {
      var options = L.extend({ attribution: osmCredit(app) + tiles.credit }, tiles.options);
      base[util.esc(util.t(app, tiles.name))] = L.tileLayer(tiles.url, options);
    });
    offline.addTo(map);
    var regionLayer = L.layerGroup();
    regionLayer.on('add', function () { app.state.regionsOn = true; restyleCountries(app); });
    regionLayer.on('remove', function () { app.state.regionsOn = false; restyleCountries(app); });
    regionLayer.addTo(map);
    var overlays = {};
    overlays[util.esc(util.t(app, 'layers.regions'))] = regionLayer;
    app.data.kinds.forEach(function (k) {
      if (!app.kindLayers.has(k.code)) return;
      overlays['<span class="atlas-lc-symbol">' + lib.symbols.symbolSvg(k, 'operational', 16) + '</span>' +
        util.esc(k.label) + ' <span class="atlas-count">(' + util.esc(util.num(app, k.count)) + ')</span>'] = app.kindLayers.get(k.code);
    });
    app.layersControl = L.control.layers(base, overlays, { collapsed: true, position: 'topright' }).addTo(map);
    var toggle = app.layersControl.getContainer().querySelector('.leaflet-control-layers-toggle');
    if (toggle) {
      toggle.title = util.t(app, 'layers.title');
      toggle.setAttribute('aria-label', toggle.title);
    }
    map.on('baselayerchange', function (e) {
      app.state.online = e.layer !== offline;
      restyleCountries(app);
    });
    return regionLayer;
  }

  lib.layers = {
    countries: countries,
    restyleCountries: restyleCountries,
    kindLayers: kindLayers,
    layerControl: layerControl
  };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
