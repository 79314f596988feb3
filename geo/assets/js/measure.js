/* geo atlas, measure.js: the measure control: click points on the map, read the geodesic
 * length of the line through them (WGS84), drawn along great circles.
 * The page's API gets measure.{start, stop, add(lat, lng)} and measuredKm.
 */
(function (lib) {
  'use strict';

  var util = lib.util;
  var h = util.h;
  var geodesy = lib.geodesy;
  var COLOR = '#ad1457';

  function measureBar(app) {
    var label = util.t(app, 'measure.button');
    var ui = {
      bar: h('div', { className: 'leaflet-bar atlas-buttons atlas-measure' }),
      button: h('button', { type: 'button', className: 'atlas-button', title: label, attrs: { 'aria-label': label, 'aria-pressed': 'false' } }),
      panel: h('div', { className: 'atlas-measure-panel', hidden: true, attrs: { 'aria-live': 'polite' } }),
      total: h('span', { className: 'atlas-measure-total' }),
      clear: h('button', { type: 'button', className: 'atlas-link-button', textContent: util.t(app, 'measure.clear') })
    };
    ui.button.innerHTML = lib.symbols.ICONS.measure; // constant markup
    ui.panel.appendChild(ui.total);
    ui.panel.appendChild(ui.clear);
    ui.bar.appendChild(ui.button);
    ui.bar.appendChild(ui.panel);
    return ui;
  }

  /** Draw the points and the line through them; say the total. */
  function draw(app, m) {
    m.layer.clearLayers();
    var km = 0;
    var line = [];
    var points = m.points;
    for (var i = 0; i < points.length; i++) {
      L.circleMarker(points[i], { radius: 4, color: COLOR, weight: 2, fillColor: '#ffffff', fillOpacity: 1, interactive: false }).addTo(m.layer);
      if (i > 0) {
        km += geodesy.geodesicKm(points[i - 1], points[i]);
        line = line.concat(geodesy.greatCircle(points[i - 1], points[i]).slice(i > 1 ? 1 : 0));
      }
    }
    if (line.length) L.polyline(line, { color: COLOR, weight: 3, dashArray: '7 5', interactive: false }).addTo(m.layer);
    m.ui.total.textContent = points.length < 2
      ? util.t(app, 'measure.hint')
      : util.t(app, 'measure.total', { km: util.formatKm(app, km) });
    app.api.measuredKm = km;
  }

  /** The measuring state of one page: its layer, points, whether clicks add points. */
  function Measure(app, ui) {
    var map = app.map;
    var m = { ui: ui, layer: L.layerGroup().addTo(map), points: [], on: false };
    function onClick(e) { m.points.push(e.latlng); draw(app, m); }
    m.stop = function () {
      m.on = false;
      ui.button.setAttribute('aria-pressed', 'false');
      map.off('click', onClick);
      map.doubleClickZoom.enable();
      map.getContainer().classList.remove('atlas-measuring');
    };
    m.start = function () {
      m.on = true;
      m.points = [];
      draw(app, m);
      ui.panel.hidden = false;
      ui.button.setAttribute('aria-pressed', 'true');
      map.on('click', onClick);
      map.doubleClickZoom.disable();
      map.getContainer().classList.add('atlas-measuring');
    };
    m.add = function (lat, lng) { m.points.push(L.latLng(lat, lng)); draw(app, m); };
    m.clear = function () { m.points = []; draw(app, m); if (!m.on) ui.panel.hidden = true; };
    return m;
  }

  function MeasureControl(app, options) {
    return util.control(options, function () {
      var ui = measureBar(app);
      var m = Measure(app, ui);
      ui.button.addEventListener('click', function () { if (m.on) m.stop(); else m.start(); });
      ui.clear.addEventListener('click', m.clear);
      document.addEventListener('keydown', function (e) { if (e.key === 'Escape' && m.on) m.stop(); });
      L.DomEvent.disableClickPropagation(ui.bar);
      app.api.measure = { start: m.start, stop: m.stop, add: m.add };
      return ui.bar;
    });
  }

  lib.measure = { MeasureControl: MeasureControl };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
