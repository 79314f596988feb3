/* geo atlas, fullscreen.js: the full-screen button: the browser's full screen for the
 * page's #atlas-app, or a page-filling layout where the browser refuses it.
 */
(function (lib) {
  'use strict';

  var util = lib.util;
  var PSEUDO = 'atlas-pseudo-fullscreen'; // the body's class for the page-filling layout

  function FullscreenControl(app, options) {
    return util.control(options, function () {
      var map = app.map;
      var target = document.getElementById('atlas-app') || document.documentElement;
      var bar = util.h('div', { className: 'leaflet-bar atlas-buttons' });
      var label = util.t(app, 'control.fullscreen');
      var button = util.h('button', { type: 'button', className: 'atlas-button', title: label, attrs: { 'aria-label': label, 'aria-pressed': 'false' } });
      button.innerHTML = lib.symbols.ICONS.fullscreen; // constant markup
      function pressed() {
        var on = !!document.fullscreenElement || document.body.classList.contains(PSEUDO);
        button.setAttribute('aria-pressed', on ? 'true' : 'false');
        setTimeout(function () { map.invalidateSize(); }, 50);
      }
      function pseudo() {
        document.body.classList.toggle(PSEUDO);
        pressed();
      }
      button.addEventListener('click', function () {
        if (document.fullscreenElement) {
          document.exitFullscreen().catch(pseudo);
        } else if (document.body.classList.contains(PSEUDO)) {
          pseudo();
        } else if (target.requestFullscreen && document.fullscreenEnabled) {
          target.requestFullscreen().catch(pseudo);
        } else {
          pseudo();
        }
      });
      document.addEventListener('fullscreenchange', pressed);
      bar.appendChild(button);
      L.DomEvent.disableClickPropagation(bar);
      return bar;
    });
  }

  lib.fullscreen = { FullscreenControl: FullscreenControl };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
