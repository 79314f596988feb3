// groups.js: which places share a point, what a group or cluster holds, the names on the map.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load, plain } from './load.mjs';

const { groups, views } = load('util.js', 'geodesy.js', 'state.js', 'symbols.js', 'popups.js', 'groups.js', 'views.js');

test('points closer than the tolerance make one group, transitively; the others stay alone', () => {
  const points = [{ x: 0, y: 0 }, { x: 100, y: 100 }, { x: 3, y: 0 }, { x: 6, y: 0 }, { x: 100, y: 100 }, { x: 50, y: 0 }];
  assert.deepEqual(plain(groups.colocate(points, 4)), [[0, 2, 3], [1, 4], [5]]);
  assert.deepEqual(plain(groups.colocate(points, 2)), [[0], [1, 4], [2], [3], [5]]);
  assert.deepEqual(plain(groups.colocate([], 4)), []);
});

test('a point at the tolerance exactly is not shared; a diagonal counts its true distance', () => {
  assert.deepEqual(plain(groups.colocate([{ x: 0, y: 0 }, { x: 4, y: 0 }], 4)), [[0], [1]]);
  assert.deepEqual(plain(groups.colocate([{ x: 0, y: 0 }, { x: 3, y: 3 }], 4)), [[0], [1]]); // 4.24 px
  assert.deepEqual(plain(groups.colocate([{ x: 0, y: 0 }, { x: 2, y: 2 }], 4)), [[0, 1]]);
});

test('grouping agrees with a brute-force search on random points', () => {
  let seed = 7;
  const random = () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647; };
  for (let round = 0; round < 20; round++) {
    const points = Array.from({ length: 40 }, () => ({ x: Math.floor(random() * 60), y: Math.floor(random() * 60) }));
    const found = groups.colocate(points, 5);
    const groupOf = new Map();
    found.forEach((g, k) => g.forEach((i) => groupOf.set(i, k)));
    assert.equal(groupOf.size, points.length);
    points.forEach((a, i) => points.forEach((b, j) => {
      if (Math.hypot(a.x - b.x, a.y - b.y) < 5) assert.equal(groupOf.get(i), groupOf.get(j));
    }));
  }
});

test('what places hold: by the legend order of kinds, unknown kinds last', () => {
  const rank = new Map([['hq', 0], ['rocb', 1], ['rtc', 2], ['rilo', 3]]);
  assert.deepEqual(plain(groups.holdings(['rilo', 'rtc', 'rtc', 'mine', 'rtc', 'hq'], rank)),
    [{ kind: 'hq', n: 1 }, { kind: 'rtc', n: 3 }, { kind: 'rilo', n: 1 }, { kind: 'mine', n: 1 }]);
});

test('the name on the map: the acronym with what follows it, or the name before it', () => {
  assert.equal(groups.mapName('World Customs Organization (WCO) Secretariat / Headquarters'), 'WCO Secretariat / Headquarters');
  assert.equal(groups.mapName('ROCB Asia/Pacific (ROCB A/P)'), 'ROCB Asia/Pacific');
  assert.equal(groups.mapName('ROCB Europe'), 'ROCB Europe');
  assert.equal(groups.mapName("Bureau régional de renforcement des capacités (BRRC) pour l'Europe"), "BRRC pour l'Europe");
  assert.equal(groups.mapName('Bureau régional de liaison chargé du renseignement pour l\'Afrique de l\'Ouest (BRLR-AO)'), 'BRLR-AO');
  assert.equal(groups.mapName('Bureau régional (BRLR) pour les Caraïbes (bureau conjoint du CCLEC)'), 'BRLR pour les Caraïbes');
  assert.equal(groups.mapName('Organisation mondiale des douanes (OMD) – Secrétariat / Siège'), 'OMD Secrétariat / Siège');
  assert.equal(groups.mapName('  Samur –  Yarag  '), 'Samur – Yarag');
  assert.equal(groups.mapName(''), '');
});

test('the spots of a name: beside each side of the icon, sharing its span, clear of it by its pad and a gap', () => {
  const box = { left: 11, right: 11, top: 11, bottom: 11 };
  const spots = groups.nameSpots(box, 40, 13, 2);
  assert.deepEqual(plain(spots),
    [[36, 0], [-36, 0], [0, 22.5], [0, -22.5], [36, -6.5], [36, 6.5], [-36, -6.5], [-36, 6.5],
      [9, 22.5], [-9, 22.5], [9, -22.5], [-9, -22.5]]);
  // never across a corner: each name's box (and its pad) shares a side's span with the icon
  spots.forEach(([dx, dy]) => {
    const l = dx - 20 - 2, r = dx + 20 + 2, t = dy - 6.5 - 2, b = dy + 6.5 + 2;
    const sharesRows = t < 11 && b > -11, sharesColumns = l < 11 && r > -11;
    assert.ok(sharesRows !== sharesColumns, [dx, dy]); // beside it, not on it
    const gap = sharesRows ? Math.max(l - 11, -11 - r) : Math.max(t - 11, -11 - b);
    assert.equal(gap, 3); // the gap, whatever the side
  });
  const wide = { left: 14, right: 30, top: 13, bottom: 13 }; // a group's icon reaches further right
  assert.equal(groups.nameSpots(wide, 40, 13, 2)[0][0], 55);
});

test('clusters join symbols nearer than the radius on the screen, at any fraction of a zoom', () => {
  // the plugin shows level round(z) at zoom z: at z = 2.25, level 2 is 2^0.25 larger on screen
  assert.ok(Math.abs(views.radiusAt(2.25) * Math.pow(2, 0.25) - 30) < 1e-9);
  assert.ok(Math.abs(views.radiusAt(1.75) * Math.pow(2, -0.25) - 30) < 1e-9);
  assert.ok(Math.abs(views.radiusAt(0.5) * Math.pow(2, -0.5) - 30) < 1e-9);
  assert.equal(views.radiusAt(3), 30);
});

test('a tile tries where it was drawn, then rings around its point, nearest first', () => {
  const spots = groups.tileSpots({ x: 100, y: 100 }, 26, 26, { x: 90, y: 80 });
  assert.deepEqual(plain(spots[0]), { x: 90, y: 80 });
  assert.deepEqual(plain(spots[1]), { x: 93, y: 87 }); // 6 px right of its point, centred
  const far = spots.map((s) => Math.hypot(s.x + 13 - 100, s.y + 13 - 100)).slice(1);
  far.forEach((d, i) => assert.ok(i === 0 || d >= far[i - 1] - 1, [i, d])); // outward
  assert.ok(Math.max(...far) <= 121);
});

test('a tile takes the first free spot, else the one it overlaps least', () => {
  const taken = [{ left: 0, top: 0, right: 30, bottom: 30 }];
  const spots = [{ x: 10, y: 10 }, { x: 25, y: 0 }, { x: 40, y: 0 }, { x: 30, y: 0 }];
  assert.deepEqual(plain(groups.freeSpot(spots, 26, 26, taken)), { x: 40, y: 0 }); // the first free one, not the nearer (30) after it
  assert.deepEqual(plain(groups.freeSpot(spots.slice(0, 2), 26, 26, taken)), { x: 25, y: 0 }); // 5 x 26 px
  assert.equal(groups.overlapArea({ left: 0, top: 0, right: 10, bottom: 10 }, { left: 10, top: 0, right: 20, bottom: 10 }), 0);
});
