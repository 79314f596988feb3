/* geo atlas, minimap.js: an overview map drawn from the country layer (offline), with
 * the main map's view as a rectangle; a click on it pans the main map there.
 */
(function (lib) {
  'use strict';

  var util = lib.util;
  var ZOOM_OUT = 4; // the minimap shows this many zoom levels out from the main map

  /** The overview map in the control's box (this.mini), made once the main map is laid out. */
  function build(app, ctl, main) {
    var mini = L.map(ctl.box, {
      attributionControl: false, zoomControl: false, dragging: false, scrollWheelZoom: false,
      doubleClickZoom: false, boxZoom: false, keyboard: false, touchZoom: false, zoomSnap: 0,
      inertia: false, fadeAnimation: false, zoomAnimation: false
    });
    var canvas = L.canvas({ padding: 0.2 });
    mini.setView(main.getCenter(), Math.max(0, main.getZoom() - ZOOM_OUT), { animate: false });
    app.countryLayers.forEach(function (p) {
      var c = p.atlasCountry;
      var region = app.regions.get(c.region);
      var fill = c.member && region && region.color ? util.regionFill(region.color) : '#dcd9d3';
      L.polygon(p.getLatLngs(), { renderer: canvas, stroke: false, fillColor: fill, fillOpacity: 1, interactive: false }).addTo(mini);
    });
    var view = L.rectangle(main.getBounds(), { renderer: canvas, color: '#c0392b', weight: 2, fillOpacity: 0.08, interactive: false }).addTo(mini);
    function sync() {
      mini.setView(main.getCenter(), Math.max(0, main.getZoom() - ZOOM_OUT), { animate: false });
      view.setBounds(main.getBounds());
    }
    main.on('moveend zoomend resize', sync);
    mini.on('click', function (e) { main.panTo(e.latlng); });
    // hidden (display: none) while the open legend needs its room, the box had no size:
    // when it shows again, the overview measures itself and draws
    if (typeof ResizeObserver === 'function') {
      new ResizeObserver(function () {
        if (!ctl.box.offsetWidth) return;
        mini.invalidateSize({ animate: false });
        sync();
      }).observe(ctl.box);
    }
    ctl.mini = mini;
  }

  function MinimapControl(app, options) {
    return util.control(options, function (main) {
      var box = util.h('div', { className: 'atlas-minimap', attrs: { 'aria-hidden': 'true' } });
      var ctl = this;
      ctl.box = box;
      util.isolate(box);
      // after the first frame: the overview can wait, the places cannot
      requestAnimationFrame(function () { setTimeout(function () { build(app, ctl, main); }, 0); });
      return box;
    });
  }

  lib.minimap = { MinimapControl: MinimapControl };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
