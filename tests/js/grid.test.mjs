// grid.js: the grid view's cells, the one pure part of the views.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load } from './load.mjs';

const { grid, geodesy } = load('util.js', 'geodesy.js', 'state.js', 'symbols.js', 'popups.js', 'views.js', 'grid.js');

function at(id, lat, lon, on = true) {
  const [px, py] = geodesy.mercator(lat, lon);
  return { id, px, py, on };
}
const WORLD = { min: { x: 0, y: 0 }, max: { x: 1024, y: 1024 } }; // the world at zoom 2

test('places in one 64-pixel cell make one cell, with their count, sums and extent', () => {
  const places = [at('a', 10, 10), at('b', 10.5, 10.5), at('c', -40, 100), at('off', 10, 10.2, false)];
  const cells = Array.from(grid.gridCells(places, null, 2, WORLD).values());
  assert.equal(cells.length, 2);
  const [ab, c] = cells;
  assert.deepEqual([ab.n, ab.first.id, c.n, c.first.id], [2, 'a', 1, 'c']);
  assert.equal(ab.sx, (places[0].px + places[1].px) * 1024);
  assert.ok(ab.minX < ab.maxX && ab.minY < ab.maxY);
  assert.equal(ab.key, grid.cellKey(ab.minX, ab.minY));
  assert.equal(ab.zoom, 2);
});

test('the selected place and places out of view are left out', () => {
  const a = at('a', 10, 10);
  const far = at('far', 10, 100);
  const view = { min: { x: 400, y: 300 }, max: { x: 600, y: 500 } };
  assert.deepEqual(Array.from(grid.gridCells([a, far], null, 2, view).values(), (c) => c.first.id), ['a']);
  assert.equal(grid.gridCells([a], a, 2, WORLD).size, 0);
});

test('a place one cell beyond the view is still counted, so that edge clusters do not flicker', () => {
  const a = at('a', 0, 0); // x = 512 at zoom 2
  const view = { min: { x: 520, y: 0 }, max: { x: 1024, y: 1024 } };
  assert.equal(grid.gridCells([a], null, 2, view).size, 1);
});
