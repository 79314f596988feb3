// detail.js: the detail windows' rings and the lines stroked along them (geo.render.detail).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load, plain } from './load.mjs';

const { detail } = load('decode.js', 'detail.js');
const SQUARE = [[0, 0], [0, 1], [1, 1], [1, 0]];

test('a ring with no segment along a window edge is stroked whole, closed', () => {
  assert.deepEqual(plain(detail.strokeRuns(SQUARE, [])), [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]);
});

test('segments along a window edge are left out, and no run wraps around the ring', () => {
  // segment 1 joins point 1 to point 2: the run starts after it and ends before it
  assert.deepEqual(plain(detail.strokeRuns(SQUARE, [1])), [[[1, 1], [1, 0], [0, 0], [0, 1]]]);
  // the last segment (3) joins point 3 back to point 0
  assert.deepEqual(plain(detail.strokeRuns(SQUARE, [3])), [[[0, 0], [0, 1], [1, 1], [1, 0]]]);
  assert.deepEqual(plain(detail.strokeRuns(SQUARE, [0, 2])), [[[0, 1], [1, 1]], [[1, 0], [0, 0]]]);
  assert.deepEqual(plain(detail.strokeRuns(SQUARE, [0, 1, 2, 3])), []);
});

test('decodeLand reads each ring on the grid it is given, with its cut segments', () => {
  // a unit square on a grid of 1e-4 degree (polyline steps of 10000), segment 2 on the edge
  const ring = '???_pR_pR??~oR';
  const land = plain(detail.decodeLand([[[ring, 2]]], 1e4));
  assert.deepEqual(land.rings, [[SQUARE]]);
  assert.deepEqual(land.lines, [[[1, 0], [0, 0], [0, 1], [1, 1]]]);
});
