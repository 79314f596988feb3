/* geo atlas, spread.js: a group of places that share a point (groups.js) spread on a
 * click: its places' own markers around it on a circle, each with a line to the shared
 * point; one group at a time.
 */
(function (lib) {
  'use strict';

  var SPREAD_STEP_PX = 30; // between the spread symbols of a group, CSS pixels

  /**
   * Spreads one group at a time: its places' own markers around it on a circle,
   * with a line to the shared point; gathered again on a zoom, a click on the map,
   * or when another group spreads.
   */
  function Spreader(app) {
    var map = app.map;
    var layer = L.layerGroup();
    var open = null; // the spread group's marker
    function gather() {
      if (!open) return;
      var group = open;
      open = null;
      layer.clearLayers();
      group.atlasGroup.forEach(function (p) { if (p.marker && p.now) p.marker.setLatLng([p.now.lat, p.now.lon]); });
      var el = group.getElement();
      if (el) el.classList.remove('atlas-group-open');
    }
    function spread(group) {
      gather();
      var places = group.atlasGroup;
      var centre = map.latLngToLayerPoint(group.getLatLng());
      var n = places.length;
      var radius = Math.max(SPREAD_STEP_PX, SPREAD_STEP_PX * n / (2 * Math.PI));
      places.forEach(function (p, i) {
        var angle = -Math.PI / 2 + 2 * Math.PI * i / n + (n === 2 ? Math.PI / 2 : 0);
        var at = map.layerPointToLatLng(centre.add(L.point(radius * Math.cos(angle), radius * Math.sin(angle))));
        layer.addLayer(L.polyline([group.getLatLng(), at], { color: '#17202a', weight: 1.5, opacity: 0.7, interactive: false }));
        var marker = lib.views.markerOf(app, p);
        lib.views.restyle(app, p);
        marker.setLatLng(at);
        marker.setZIndexOffset(2000);
        layer.addLayer(marker);
      });
      open = group;
      var el = group.getElement();
      if (el) el.classList.add('atlas-group-open');
    }
    map.on('zoomstart', gather);
    map.on('click', gather);
    return {
      layer: layer,
      gather: gather,
      spread: spread,
      isOpen: function (group) { return open === group; },
      firstElement: function () {
        var first = open && open.atlasGroup[0].marker;
        return first ? first.getElement() : null;
      },
      toggle: function (group) { if (open === group) gather(); else spread(group); }
    };
  }

  lib.spread = { Spreader: Spreader };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
