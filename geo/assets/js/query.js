/* geo atlas, query.js: what a query map draws besides its places (data.query, made by
 * geo.render.overlay): the query's point, the geodesic circle of a `within` radius,
 * and for `nearest` a geodesic line to each answer with its distance.
 */
(function (lib) {
  'use strict';

  var util = lib.util;
  var COLOR = '#ad1457';
  var LABELLED = 5; // lines whose distance is written on the map; more show it on hover

  /** Hide the distance of a line where it would cover that of a nearer answer, or a marker. */
  function unclutter(app, labels) {
    var pane = app.map.getPane('markerPane');
    var kept = [].map.call(pane.querySelectorAll('.leaflet-marker-icon'), function (el) { return el.getBoundingClientRect(); });
    var point = app.map.getPane('atlas-query').querySelector('.atlas-query-point');
    if (point) kept.push(point.getBoundingClientRect());
    labels.forEach(function (l) {
      var el = l.poly.getTooltip().getElement();
      if (!el) return;
      el.style.visibility = '';
      var r = el.getBoundingClientRect();
      var clash = kept.some(function (o) { return r.left < o.right && o.left < r.right && r.top < o.bottom && o.top < r.bottom; });
      if (clash) el.style.visibility = 'hidden'; else kept.push(r);
    });
  }

  /** The query's layer, or null when the map answers no query. */
  function queryLayer(app) {
    var q = app.data.query;
    if (!q) return null;
    var t = function (id, params) { return util.t(app, id, params); };
    var group = L.featureGroup();
    var scale = Math.pow(10, 5);
    var pane = app.map.createPane('atlas-query'); // under the places' markers: it never covers one
    pane.style.zIndex = 590;
    if (q.circle) {
      L.polygon(lib.decode.polyline(q.circle, scale), {
        color: COLOR, weight: 2, dashArray: '6 5', fillColor: COLOR, fillOpacity: 0.05, interactive: false, pane: 'atlas-query'
      }).addTo(group);
    }
    var labels = [];
    q.lines.forEach(function (line, i) {
      var path = lib.decode.polyline(line[2], scale);
      var poly = L.polyline(path, { color: COLOR, weight: 2, opacity: 0.85, pane: 'atlas-query' }).addTo(group);
      var full = t('query.line', { name: util.short(line[1]), km: util.formatKm(app, line[3]) });
      var short = t('units.km', { km: util.num(app, line[3], line[3] < 100 ? 1 : 0) });
      var permanent = i < LABELLED;
      poly.bindTooltip(document.createTextNode(permanent ? short : full), {
        permanent: permanent, direction: 'center', className: 'atlas-query-tip', pane: 'atlas-query'
      });
      if (permanent) labels.push({ poly: poly, full: full });
    });
    group.on('add', function () {
      labels.forEach(function (l) {
        var el = l.poly.getTooltip().getElement();
        if (el) { el.title = l.full; el.setAttribute('aria-label', l.full); }
      });
      app.map.on('zoomend', function () { unclutter(app, labels); });
      if (app.view.cluster) app.view.cluster.on('animationend', function () { unclutter(app, labels); });
      requestAnimationFrame(function () { unclutter(app, labels); }); // once the markers are drawn
    });
    var icon = L.divIcon({ className: 'atlas-query-point', html: lib.symbols.ICONS.target, iconSize: [26, 26], iconAnchor: [13, 13] });
    var at = util.short(q.where);
    var where = q.km === null ? at : at + ' \u00b7 ' + t('query.circle', { km: util.formatKm(app, q.km) });
    var marker = L.marker(q.at, { icon: icon, keyboard: true, title: where, alt: where, pane: 'atlas-query' }).addTo(group);
    marker.bindTooltip(document.createTextNode(where), { direction: 'top', className: 'atlas-tip' });
    marker.on('add', function () {
      var el = marker.getElement();
      if (el) el.setAttribute('aria-label', where);
    });
    return group;
  }

  lib.query = { queryLayer: queryLayer };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
