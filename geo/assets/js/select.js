/* geo atlas, select.js: a place selected (a search, a link, the list) in the cluster
 * view (views.js): its unit brought into view, out of its cluster (zooming in, or
 * spiderfying), its group spread, and its popup opened.
 */
(function (lib) {
  'use strict';

  var SELECT_ZOOM = lib.views.SELECT_ZOOM; // a selected place is shown at this zoom at least (views.js)
  var underMain = lib.views.underMain;

  /** Show a place: open its popup, after spreading its group; its unit brought into view first. */
  function clusterSelect(app, view, p) {
    var d = null;
    view.drawn.forEach(function (u) { if (u.places.indexOf(p) >= 0) d = u; });
    if (!d) return;
    var map = app.map;
    var unit = d.marker;
    var open = d.places.length === 1 ? function () { p.marker.openPopup(); } : function () {
      if (!view.spreader.isOpen(unit)) view.spreader.spread(unit);
      p.marker.openPopup();
    };
    map.closePopup();
    if (d.main) {
      app.selectToken = (app.selectToken || 0) + 1; // cancels a pending selection's steps
      if (!map.getBounds().contains(unit.getLatLng())) map.setView(unit.getLatLng(), map.getZoom(), { animate: false });
      open();
      return;
    }
    if (d.absorbed) { // under a main place's symbol: to the zoom where it leaves it, in one step
      var zoom = map.getZoom();
      while (zoom < map.getMaxZoom() && underMain(app, view, d, zoom)) zoom = Math.min(zoom + 1, map.getMaxZoom());
      // and at SELECT_ZOOM at least: one step (the plugin loses a marker given back between two)
      zoom = Math.max(zoom, Math.min(SELECT_ZOOM, map.getMaxZoom()));
      map.setView(unit.getLatLng(), zoom, { animate: false }); // attach gives it back to the clusters
    }
    clusterReveal(app, view.cluster, unit, open);
  }

  /** Zoom (at most to SELECT_ZOOM) until a marker leaves its cluster, else spiderfy; then open(). */
  function clusterReveal(app, cluster, marker, open) {
    var map = app.map;
    // Like MarkerClusterGroup.zoomToShowLayer, which zooms as deep as the map allows
    // (street level for two offices in one city); the fields read here are the plugin's.
    var done = false;
    var nudged = false;
    var tries = 0;
    // a newer selection (another link, a search) cancels this one's pending steps
    var token = app.selectToken = (app.selectToken || 0) + 1;
    function later() {
      // the events may all have come while the plugin was still animating (a busy
      // machine): look again shortly, a bounded number of times
      if (!done && tries < 30) { tries += 1; setTimeout(show, 100); }
    }
    function show() {
      if (!done && app.selectToken !== token) {
        done = true;
        map.off('moveend', show);
        cluster.off('animationend', show);
      }
      if (done) return;
      // wait for the view asked for, drawn: stopping a running pan fires a moveend at the
      // old zoom; and an earlier zoom's last step (a refit's, queued by the plugin for
      // 300 ms) runs at the start of this zoom, firing animationend while the clusters
      // are still the old zoom's, whose spiderfy the new zoom would undo at once
      if (cluster._inZoomAnimation || map.getZoom() !== zoom || cluster._zoom !== Math.round(zoom)) { later(); return; }
      var parent = cluster.getVisibleParent(marker);
      if (!parent && !nudged) {
        // a move during the plugin's zoom animation is not drawn: have it look again
        nudged = true;
        map.fire('moveend');
        later();
        return;
      }
      if (!parent) { later(); return; }
      done = true;
      map.off('moveend', show);
      cluster.off('animationend', show);
      if (parent === marker) {
        open();
      } else {
        cluster.once('spiderfied', open);
        parent.spiderfy();
      }
    }
    var latlng = marker.getLatLng();
    var zoom = Math.max(map.getZoom(), Math.min(SELECT_ZOOM, marker.__parent._zoom + 1));
    if (map.getBounds().contains(latlng) && zoom === map.getZoom() && cluster.getVisibleParent(marker)) {
      show();
    } else {
      map.on('moveend', show);
      cluster.on('animationend', show);
      map.setView(latlng, zoom, { animate: false });
      setTimeout(show, 400);
    }
  }

  lib.select = { clusterSelect: clusterSelect };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
