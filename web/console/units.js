// The units of the deployment's pack, from its map file (web/console/maps/<pack>.geojson, built
// by tools/build-web.ts): their names, the queues an officer may see, and finding a unit by part
// of its name with or without diacritics.

import { officer } from './auth.js';
import { h, option } from './dom.js';
import { cityQueue, state, t } from './state.js';
import { strings } from './strings.js';

let byCode = new Map();

const packPattern = /^[a-z0-9][a-z0-9-]{0,40}$/;
const codePattern = /^[0-9A-Za-z]{1,12}$/;

/** The units of a map file, in its order; features without a usable code are left out. */
function unitsOf(map) {
  const features = Array.isArray(map?.features) ? map.features : [];
  return features
    .map((feature) => feature?.properties ?? {})
    .filter((properties) => typeof properties.code === 'string' && codePattern.test(properties.code))
    .map((properties) => ({
      code: properties.code,
      name: String(properties.name ?? properties.code),
      nameEn: String(properties.nameEn ?? properties.name ?? properties.code),
      group: String(properties.group ?? ''),
      label: Array.isArray(properties.label) && properties.label.length === 2 ? properties.label.map(Number) : undefined,
    }));
}

async function fetchMap(pack) {
  if (!packPattern.test(pack)) throw new Error(`Unknown pack ${JSON.stringify(pack)}`);
  const response = await fetch(`maps/${pack}.geojson`, { cache: 'no-cache' });
  if (!response.ok) throw new Error(`maps/${pack}.geojson: HTTP ${response.status}`);
  const map = await response.json();
  if (map?.type !== 'FeatureCollection' || !Array.isArray(map.features)) throw new Error(`maps/${pack}.geojson is not a FeatureCollection`);
  return map;
}

/** Loads the deployment's map: its units become the queues the console knows. */
export async function loadPack(pack) {
  const map = await fetchMap(pack);
  state.pack = pack;
  state.map = map;
  state.units = unitsOf(map);
  byCode = new Map(state.units.map((unit) => [unit.code, unit]));
  searchIndex = undefined;
}

export function unitOf(code) {
  return byCode.get(code);
}

/** What the pack's units are: communes (wards, communes, the special zone) or districts. */
export function unitLevel() {
  return state.map?.level === 'district' ? 'district' : 'commune';
}

/** A unit's or the city desk's name in the officer's language; the code itself if unknown. */
export function queueName(code) {
  if (code === cityQueue) return t().cityDesk;
  const unit = byCode.get(code);
  if (!unit) return String(code ?? '');
  return state.language === 'en' ? unit.nameEn : unit.name;
}

/** `Phường Bàn Cờ (27154)` */
export function queueLabel(code) {
  return `${queueName(code)} (${code})`;
}

/** Every queue in the map's order: each unit, then CITY. */
export function allQueues() {
  return [...state.units.map((unit) => unit.code), cityQueue];
}

/** The queues the officer may list: all of them for the city desk, else their units. */
export function visibleQueues() {
  const me = officer();
  return me.cityDesk ? allQueues() : allQueues().filter((code) => me.units.includes(code));
}

/** Whether the pack groups its units by the former districts (the 2025 map does, the 2021 one has one group). */
function grouped() {
  return new Set(state.units.map((unit) => unit.group)).size > 1;
}

/** "formerly in Quận 3", when the pack groups its units. */
export function formerly(code) {
  const unit = byCode.get(code);
  return unit && grouped() && unit.group ? t().formerly(unit.group) : '';
}

const collator = new Intl.Collator('vi', { numeric: true });

/**
 * Options of a select of queues: grouped by the former district (in the map's order, units by
 * name within each) when the pack groups them, the city desk first.
 */
export function queueOptions(codes, selected) {
  const labelOf = (code) => queueLabel(code);
  const result = [];
  if (codes.includes(cityQueue)) result.push(option(cityQueue, labelOf(cityQueue), selected === cityQueue));
  const units = codes.filter((code) => code !== cityQueue);
  if (!grouped() || units.length < 8) {
    result.push(...units.map((code) => option(code, labelOf(code), code === selected)));
    return result;
  }
  const groups = new Map();
  for (const code of units) {
    const group = byCode.get(code)?.group ?? '';
    groups.set(group, [...(groups.get(group) ?? []), code]);
  }
  for (const [group, members] of groups) {
    members.sort((a, b) => collator.compare(queueName(a), queueName(b)));
    result.push(h('optgroup', { label: t().formerly(group) }, members.map((code) => option(code, labelOf(code), code === selected))));
  }
  return result;
}

// ---- Finding a unit by name ----------------------------------------------------------------

/**
 * Text as the search compares it: no diacritics (NFD, combining marks removed, đ → d), lower
 * case, anything but letters and digits as single spaces. "Bàn Cờ", "ban co" and "BAN  CO" are
 * one; "Hòa" and "Hoà" too.
 */
export function fold(text) {
  return String(text ?? '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replaceAll('đ', 'd')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const unitTypes = /^(phuong|xa|dac khu|quan|huyen|thanh pho|thi tran) /;
const unitTypesEn = / (ward|commune|special zone|special administrative region|district|city|town)$/i;

/** Matches at least this good hide the loose ones (every word somewhere in the name or former district). */
const preciseScore = 50;

let searchIndex;

function index() {
  searchIndex ??= [
    ...state.units.map((unit) => ({ code: unit.code, name: fold(unit.name), nameEn: fold(unit.nameEn), group: fold(unit.group) })),
    { code: cityQueue, name: fold(strings.vi.cityDesk), nameEn: fold(strings.en.cityDesk), group: '' },
  ].map((entry) => ({ ...entry, short: entry.name.replace(unitTypes, ''), nameEn: entry.nameEn.replace(unitTypesEn, ''), words: ` ${entry.name} ${entry.group} ` }));
  return searchIndex;
}

/** How well an entry matches a folded query; 0 when it does not. */
function score(entry, query, tokens) {
  const code = entry.code.toLowerCase();
  if (code === query) return 100;
  if (entry.name === query || entry.short === query) return 95;
  if (entry.short.startsWith(query) || entry.name.startsWith(query)) return 85;
  if (` ${entry.name}`.includes(` ${query}`)) return 70;
  if (/^\d+$/.test(query) && code.startsWith(query)) return 65;
  if (entry.name.includes(query)) return 45;
  if (entry.nameEn.startsWith(query) || ` ${entry.nameEn}`.includes(` ${query}`)) return 50;
  // Every word of the query starts a word of the name or the former district ("quan 3", "phuong quan 3").
  if (tokens.every((token) => entry.words.includes(` ${token}`))) return 40;
  return 0;
}

/**
 * The units (and the city desk) among `codes` whose name, English name, former district or code
 * matches `query`: best first, then by name; at most `limit`, with the total.
 */
export function findUnits(query, codes, limit = 8) {
  const folded = fold(query);
  if (!folded) return { matches: [], total: 0 };
  const tokens = folded.split(' ');
  const allowed = new Set(codes);
  const found = index()
    .filter((entry) => allowed.has(entry.code))
    .map((entry) => ({ code: entry.code, score: score(entry, folded, tokens) }))
    .filter((entry) => entry.score > 0);
  const precise = found.some((entry) => entry.score >= preciseScore);
  const shown = found
    .filter((entry) => !precise || entry.score >= preciseScore)
    .sort((a, b) => b.score - a.score || collator.compare(queueName(a.code), queueName(b.code)));
  return { matches: shown.slice(0, limit).map((entry) => entry.code), total: shown.length };
}

// ---- The other generation's map ------------------------------------------------------------

const otherMaps = new Map();

/** Names of another pack's units (for a tip's place on the other generation's map), or undefined. */
export async function otherPack(pack) {
  if (pack === state.pack) return { name: state.map?.name, nameEn: state.map?.nameEn, units: byCode };
  if (!otherMaps.has(pack)) {
    otherMaps.set(
      pack,
      fetchMap(pack)
        .then((map) => ({ name: typeof map.name === 'string' ? map.name : pack, nameEn: typeof map.nameEn === 'string' ? map.nameEn : pack, units: new Map(unitsOf(map).map((unit) => [unit.code, unit])) }))
        .catch(() => {
          otherMaps.delete(pack);
          return undefined;
        }),
    );
  }
  return otherMaps.get(pack);
}
