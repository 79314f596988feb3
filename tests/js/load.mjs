// Load the atlas's page scripts (geo/assets/js) into a fresh node:vm sandbox, as the
// page runs them: plain scripts, in order, each adding its part to geoAtlasLib.
// The sandbox has no DOM and no Leaflet: a file that needs them at load time fails.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const JS = new URL('../../geo/assets/js/', import.meta.url);

/** Run the named files of geo/assets/js in order in one new sandbox; return its geoAtlasLib. */
export function load(...names) {
  const sandbox = vm.createContext({});
  for (const name of names) {
    const url = new URL(name, JS);
    vm.runInContext(readFileSync(url, 'utf8'), sandbox, { filename: fileURLToPath(url) });
  }
  return sandbox.geoAtlasLib;
}

/** A value made in the sandbox as plain data of this realm (for deepStrictEqual). */
export function plain(value) {
  return JSON.parse(JSON.stringify(value));
}
