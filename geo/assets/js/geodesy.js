/* geo atlas, geodesy.js: distances and lines on the WGS84 ellipsoid, and Web Mercator. */
(function (lib) {
  'use strict';

  var RAD = Math.PI / 180;
  var MAX_LAT = 85.0511287798; // Web Mercator's edge

  /** Geodesic distance on the WGS84 ellipsoid (Vincenty's inverse formula), km; a, b are {lat, lng}. */
  function geodesicKm(a, b) {
    var A = 6378137.0;
    var F = 1 / 298.257223563;
    var B = A * (1 - F);
    var L = ((((b.lng - a.lng) % 360) + 540) % 360 - 180) * RAD;
    var U1 = Math.atan((1 - F) * Math.tan(a.lat * RAD));
    var U2 = Math.atan((1 - F) * Math.tan(b.lat * RAD));
    var sinU1 = Math.sin(U1), cosU1 = Math.cos(U1), sinU2 = Math.sin(U2), cosU2 = Math.cos(U2);
    var lambda = L, prev, iter = 0;
    var sinS, cosS, sigma, sinAlpha, cos2Alpha, cos2SM, C;
    do {
      var sinL = Math.sin(lambda), cosL = Math.cos(lambda);
      sinS = Math.sqrt(Math.pow(cosU2 * sinL, 2) + Math.pow(cosU1 * sinU2 - sinU1 * cosU2 * cosL, 2));
      if (sinS === 0) return 0;
      cosS = sinU1 * sinU2 + cosU1 * cosU2 * cosL;
      sigma = Math.atan2(sinS, cosS);
      sinAlpha = cosU1 * cosU2 * sinL / sinS;
      cos2Alpha = 1 - sinAlpha * sinAlpha;
      cos2SM = cos2Alpha !== 0 ? cosS - 2 * sinU1 * sinU2 / cos2Alpha : 0;
      C = F / 16 * cos2Alpha * (4 + F * (4 - 3 * cos2Alpha));
      prev = lambda;
      lambda = L + (1 - C) * F * sinAlpha * (sigma + C * sinS * (cos2SM + C * cosS * (-1 + 2 * cos2SM * cos2SM)));
    } while (Math.abs(lambda - prev) > 1e-12 && ++iter < 200);
    if (iter >= 200) {
      // Nearly antipodal points: Vincenty does not converge; the sphere is within 0.5 %.
      return 6371.0088 * sigma;
    }
    var u2 = cos2Alpha * (A * A - B * B) / (B * B);
    var k = u2 / 1024 * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
    var K = 1 + u2 / 16384 * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
    var dS = k * sinS * (cos2SM + k / 4 * (cosS * (-1 + 2 * cos2SM * cos2SM) -
      k / 6 * cos2SM * (-3 + 4 * sinS * sinS) * (-3 + 4 * cos2SM * cos2SM)));
    return B * K * (sigma - dS) / 1000;
  }

  /** Points [lat, lng] along the great circle from a to b ({lat, lng}), longitudes kept continuous. */
  function greatCircle(a, b) {
    function vec(p) {
      return [Math.cos(p.lat * RAD) * Math.cos(p.lng * RAD), Math.cos(p.lat * RAD) * Math.sin(p.lng * RAD), Math.sin(p.lat * RAD)];
    }
    var va = vec(a), vb = vec(b);
    var dot = Math.max(-1, Math.min(1, va[0] * vb[0] + va[1] * vb[1] + va[2] * vb[2]));
    var omega = Math.acos(dot);
    var n = Math.max(1, Math.ceil(omega / RAD / 2));
    var pts = [];
    var lastLng = a.lng;
    for (var i = 0; i <= n; i++) {
      var t = i / n;
      var wa = omega ? Math.sin((1 - t) * omega) / Math.sin(omega) : 1 - t;
      var wb = omega ? Math.sin(t * omega) / Math.sin(omega) : t;
      var x = wa * va[0] + wb * vb[0], y = wa * va[1] + wb * vb[1], z = wa * va[2] + wb * vb[2];
      var lat = Math.atan2(z, Math.sqrt(x * x + y * y)) / RAD;
      var lng = Math.atan2(y, x) / RAD;
      while (lng - lastLng > 180) lng -= 360;
      while (lng - lastLng < -180) lng += 360;
      lastLng = lng;
      pts.push([lat, lng]);
    }
    return pts;
  }

  /** Web Mercator of a position: x, y in [0, 1] across the world at zoom 0 (as Leaflet's EPSG:3857). */
  function mercator(lat, lon) {
    var phi = Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * RAD;
    return [(lon + 180) / 360, 0.5 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / (2 * Math.PI)];
  }

  lib.geodesy = { geodesicKm: geodesicKm, greatCircle: greatCircle, mercator: mercator };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
