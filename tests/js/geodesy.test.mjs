// geodesy.js: Vincenty distances on WGS84 against known values (pyproj's Geod gives
// the same to the millimetre; tests/test_js.py checks many more pairs against it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load, plain } from './load.mjs';

const { geodesy } = load('geodesy.js');
const at = (lat, lng) => ({ lat, lng });
const near = (actual, expected, tolerance, message) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${message}: ${actual} vs ${expected}`);

test('geodesicKm agrees with known WGS84 distances to a millimetre', () => {
  const cases = [
    [at(0, 0), at(0, 1), 111.31949079327356, 'one degree of the equator'],
    [at(0, 0), at(90, 0), 10001.965729312724, 'a quarter meridian'],
    [at(-37.9510334167, 144.4248678889), at(-37.6528211389, 143.9264955278), 54.97227113920079, 'Flinders Peak to Buninyong'],
    [at(51.5074, -0.1278), at(40.7128, -74.006), 5585.2335789313, 'London to New York'],
    [at(-18.14, 178.44), at(-13.83, -171.76), 1151.979212464546, 'Fiji to Samoa, across the antimeridian'],
  ];
  for (const [a, b, km, message] of cases) {
    near(geodesy.geodesicKm(a, b), km, 1e-6, message);
    near(geodesy.geodesicKm(b, a), km, 1e-6, message + ', reversed');
  }
});

test('geodesicKm reads shifted longitudes as the same places', () => {
  near(geodesy.geodesicKm(at(-18.14, 178.44), at(-13.83, 188.24)), 1151.979212464546, 1e-6, 'lng past 180');
  near(geodesy.geodesicKm(at(10, -170), at(10, 550)), geodesy.geodesicKm(at(10, -170), at(10, 190)), 1e-9, 'lng past 360');
});

test('geodesicKm is zero between a point and itself (and nearly so at a pole)', () => {
  assert.equal(geodesy.geodesicKm(at(40.41, 49.87), at(40.41, 49.87)), 0);
  near(geodesy.geodesicKm(at(90, 0), at(90, 120)), 0, 1e-9, 'the pole at two longitudes');
});

test('geodesicKm falls back to the sphere, within 0.5 %, for nearly antipodal points', () => {
  const km = geodesy.geodesicKm(at(0, 0), at(0.5, 179.5));
  near(km, 19936.288578965316, 19936.288578965316 * 0.005, 'nearly antipodal');
});

test('greatCircle runs from a to b in steps of at most two degrees, longitudes continuous', () => {
  const pts = plain(geodesy.greatCircle(at(-18.14, 178.44), at(-13.83, -171.76)));
  assert.deepEqual(pts[0].map((v) => +v.toFixed(9)), [-18.14, 178.44]);
  assert.deepEqual(pts.at(-1).map((v) => +v.toFixed(9)), [-13.83, 188.24]);
  assert.equal(pts.length, 7); // 10.4 degrees of arc: 6 steps
  for (let i = 1; i < pts.length; i++) assert.ok(pts[i][1] > pts[i - 1][1]);
});

test('greatCircle along the equator stays on it; a point to itself is two points', () => {
  for (const [lat] of geodesy.greatCircle(at(0, 10), at(0, 50))) near(lat, 0, 1e-12, 'latitude');
  assert.equal(geodesy.greatCircle(at(5, 5), at(5, 5)).length, 2);
});

test('mercator maps the world to the unit square as Leaflet does', () => {
  assert.deepEqual(plain(geodesy.mercator(0, 0)), [0.5, 0.5]);
  assert.deepEqual(plain(geodesy.mercator(0, 180)), [1, 0.5]);
  const [, top] = geodesy.mercator(90, 0);
  near(top, 0, 1e-9, 'clamped at the pole');
  const [, y] = geodesy.mercator(-85.0511287798, -180);
  near(y, 1, 1e-9, 'the southern edge');
});
