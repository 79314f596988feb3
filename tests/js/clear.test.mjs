// clear.js: markers clear of the controls.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load, plain } from './load.mjs';

const { clear } = load('util.js', 'clear.js');

const overlaps = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

const box = (x, y, r = 10) => ({ left: x - r, top: y - r, right: x + r, bottom: y + r });
const view = { left: 0, top: 0, right: 400, bottom: 800 };
const search = { left: 10, top: 10, right: 260, bottom: 50 };
const shift = (r, p) => ({ left: r.left - p[0], top: r.top - p[1], right: r.right - p[0], bottom: r.bottom - p[1] });

test('nothing covered: no pan', () => {
  assert.equal(clear.clearPan([box(200, 400)], [search], view), null);
});

test('a marker under the search box comes out, by the shortest pan', () => {
  const marker = box(100, 40);
  const pan = plain(clear.clearPan([marker, box(200, 400)], [search], view));
  assert.ok(!overlaps(shift(marker, pan), search), JSON.stringify(pan));
  assert.ok(Math.hypot(pan[0], pan[1]) <= 30, JSON.stringify(pan)); // down by about 20 px
});

test('an open popup stays whole and clear: no pan that would cut it', () => {
  const marker = box(100, 40);
  const popup = { left: 5, top: 60, right: 395, bottom: 795, keep: true }; // fills the rest
  assert.equal(clear.clearPan([marker, popup], [search], view), null);
});

test('of the pans that free a marker, the one that keeps the others in view', () => {
  const bar = { left: 0, top: 0, right: 400, bottom: 60 }; // across the top
  const under = box(200, 40);
  const low = box(200, 760); // near the bottom: a pan of 30 px down keeps it, 50 px up loses `under`
  const pan = plain(clear.clearPan([under, low], [bar], view));
  assert.ok(!overlaps(shift(under, pan), bar), JSON.stringify(pan));
  const moved = shift(low, pan);
  assert.ok((moved.top + moved.bottom) / 2 <= 800, JSON.stringify(pan)); // still in view
  assert.ok(pan[1] < 0, JSON.stringify(pan)); // freed by moving the map down, not out of sight
});
