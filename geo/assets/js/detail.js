/* geo atlas, detail.js: the detail windows (geo.render.detail).  Around each place the
 * data document carries the fine country polygons, cut to a box; from data.detail.minZoom
 * on, and only over the offline basemap, each window is drawn as sea over the coarse
 * countries, then its land in the style of the same country's coarse polygon
 * (app.countryLayers, restyled whenever the map fires 'atlas:restyled'): its coasts and
 * borders stroked, its window's edges never.
 */
(function (lib) {
  'use strict';

  /**
   * The runs of a ring to stroke: its points, closed, broken at the segments in `cuts`
   * (segment i joins point i to the next, the last back to the first).
   */
  function strokeRuns(points, cuts) {
    var n = points.length;
    if (!cuts.length) return [points.concat([points[0]])];
    var cut = new Set(cuts);
    var start = (cuts[0] + 1) % n; // the run before a cut ends there: no run wraps around
    var runs = [];
    var run = [points[start]];
    for (var s = 0; s < n; s++) {
      var i = (start + s) % n;
      if (cut.has(i)) {
        if (run.length > 1) runs.push(run);
        run = [points[(i + 1) % n]];
      } else {
        run.push(points[(i + 1) % n]);
      }
    }
    if (run.length > 1) runs.push(run);
    return runs;
  }

  /** A country's polygons (rings of points) and the lines to stroke, from its encoded parts. */
  function decodeLand(parts, scale) {
    var rings = [];
    var lines = [];
    parts.forEach(function (part) {
      var polygon = part.map(function (ring) {
        var points = lib.decode.polyline(ring[0], scale);
        strokeRuns(points, ring.slice(1)).forEach(function (run) { lines.push(run); });
        return points;
      });
      rings.push(polygon);
    });
    return { rings: rings, lines: lines };
  }

  /** The windows as sea, then each country's land: fill and stroked lines, in `group`. */
  function draw(app, d, group) {
    var renderer = L.svg({ pane: 'atlas-detail', padding: 0.6 });
    // Not interactive: the pointer reaches the coarse country below (its tooltip), and no
    // focus listener makes a window's shapes Tab stops.
    var common = { renderer: renderer, pane: 'atlas-detail', smoothFactor: 0.5, interactive: false };
    var sea = L.polygon(d.sea.map(function (rings) {
      return rings.map(function (ring) { return lib.decode.polyline(ring, d.scale); });
    }), L.extend({ stroke: false, fillOpacity: 1, className: 'atlas-detail-fill atlas-detail-sea' }, common));
    group.addLayer(sea);
    var land = d.land.map(function (row) {
      var coarse = app.countryLayers[row[0]];
      var shape = decodeLand(row[1], d.scale);
      var fill = L.polygon(shape.rings, L.extend({ stroke: false, className: 'atlas-detail-fill' }, common));
      var edge = L.polyline(shape.lines, L.extend({ fill: false }, common));
      fill.atlasCountry = coarse.atlasCountry;
      group.addLayer(fill);
      group.addLayer(edge);
      return { coarse: coarse, fill: fill, edge: edge };
    });
    return { sea: sea, land: land };
  }

  /**
   * The detail windows of the page, shown from data.detail.minZoom on over the offline
   * basemap, and drawn the first time they show; null when the page has none.
   */
  function Detail(app) {
    var d = app.data.detail;
    if (!d || !d.sea.length) return null;
    var map = app.map;
    map.createPane('atlas-detail');
    map.getPane('atlas-detail').style.zIndex = 351; // just above the coarse countries (350)
    var group = L.featureGroup();
    var drawn = null;

    function shown() {
      return map.getZoom() >= d.minZoom && !app.state.online;
    }

    /** The windows in the map's sea colour; each country's fill and edge as its coarse polygon's now. */
    function restyle() {
      if (!drawn) return;
      drawn.sea.setStyle({ fillColor: getComputedStyle(map.getContainer()).backgroundColor });
      drawn.land.forEach(function (l) {
        var o = l.coarse.options;
        l.fill.setStyle({ fillColor: o.fillColor, fillOpacity: o.fillOpacity });
        l.edge.setStyle({ color: o.color, weight: o.weight, opacity: o.opacity });
      });
    }

    function update() {
      if (shown()) {
        if (!drawn) {
          drawn = draw(app, d, group);
          restyle();
        }
        if (!map.hasLayer(group)) group.addTo(map);
      } else if (map.hasLayer(group)) {
        map.removeLayer(group);
      }
    }

    map.on('zoomend', update);
    map.on('atlas:restyled', function () { restyle(); update(); });
    update();
    return { group: group, shown: shown };
  }

  lib.detail = { Detail: Detail, strokeRuns: strokeRuns, decodeLand: decodeLand };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
