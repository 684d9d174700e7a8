/**
 * Compiles the HCMC 2021–2025 jurisdiction pack from its sources: the unit list, the GSO ward
 * lists of 2021–2024 and of 2025 H1, the district polygons, and the hand-curated gazetteer.
 * Pure: it takes the parsed files and returns the pack, so the build tool and the test that
 * checks the committed pack against its sources run the same code.
 */
import type {
  AliasKind,
  JurisdictionPack,
  PackAlias,
  PackBoundary,
  PackPlace,
  PackUnit,
  PackWard,
  PlaceKind,
} from '../shared/jurisdictions/pack.ts';

/** The GSO ward list as the dvhcvn files give it. */
export interface WardListSource {
  readonly level2s: readonly {
    readonly level2_id: string;
    readonly name: string;
    readonly type: string;
    readonly level3s: readonly { readonly level3_id: string; readonly name: string; readonly type: string }[];
  }[];
}

/** The district polygons (GeoJSON FeatureCollection of Polygon / MultiPolygon features). */
export interface BoundarySource {
  readonly features: readonly {
    readonly id?: string | number;
    readonly properties: { readonly code: string };
    readonly geometry:
      | { readonly type: 'Polygon'; readonly coordinates: number[][][] }
      | { readonly type: 'MultiPolygon'; readonly coordinates: number[][][][] };
  }[];
}

/** The unit list (shared/jurisdictions/hcmc-2021/units.json). */
export interface UnitListSource {
  readonly id: string;
  readonly name: string;
  readonly validFrom: string;
  readonly validTo: string;
  readonly units: readonly { code: string; name: string; nameEn: string; type: string }[];
}

/** The hand-curated gazetteer (shared/jurisdictions/hcmc-2021/gazetteer.json). */
export interface GazetteerSource {
  readonly attribution: readonly string[];
  readonly province: string;
  readonly aliases: Readonly<Record<string, readonly { text: string; kind: AliasKind; former?: boolean; why?: string }[]>>;
  readonly keywordOnlyWards: readonly { name: string; why: string }[];
  readonly headSynonyms: Readonly<Record<string, readonly string[]>>;
  readonly places: readonly {
    readonly units: readonly string[];
    readonly kind: PlaceKind;
    readonly forms: readonly string[];
    readonly needsKeyword?: boolean;
    readonly why?: string;
  }[];
}

export interface PackSources {
  readonly units: UnitListSource;
  readonly wards2021: WardListSource;
  readonly wards2025: WardListSource;
  readonly boundaries: BoundarySource;
  readonly gazetteer: GazetteerSource;
}

/** Coordinates keep 6 decimals (about 0.1 m): far finer than the polygons' own accuracy. */
const COORDINATE_DECIMALS = 6;

const round = (x: number): number => {
  const f = 10 ** COORDINATE_DECIMALS;
  return Math.round(x * f) / f;
};

/** Compiles the pack. Deterministic: the same sources give the same JSON, byte for byte. */
export function compilePack(sources: PackSources): JurisdictionPack {
  const { units, gazetteer } = sources;
  const packUnits: PackUnit[] = units.units.map((unit) => ({
    code: unit.code,
    name: unit.name,
    nameEn: unit.nameEn,
    type: unit.type,
    parent: gazetteer.province,
    aliases: unitAliases(unit, gazetteer.aliases[unit.code] ?? []),
    wards: mergeWards(unit.code, [sources.wards2021, sources.wards2025]),
  }));
  return {
    id: units.id,
    name: units.name,
    validFrom: units.validFrom,
    validTo: units.validTo,
    attribution: gazetteer.attribution,
    units: packUnits,
    boundaries: compileBoundaries(sources.boundaries, new Set(packUnits.map((u) => u.code))),
    places: compilePlaces(gazetteer),
    keywordOnlyWards: gazetteer.keywordOnlyWards.map((w) => w.name),
  };
}

/** The name without its type word: "Quận 1" → "1", "Huyện Củ Chi" → "Củ Chi". */
function bareName(name: string, type: string): string {
  return name.startsWith(type + ' ') ? name.slice(type.length + 1).trim() : name;
}

function unitAliases(
  unit: { name: string; type: string; nameEn: string },
  extra: readonly { text: string; kind: AliasKind; former?: boolean }[],
): PackAlias[] {
  const bare = bareName(unit.name, unit.type);
  const aliases: PackAlias[] = [];
  const seen = new Set<string>();
  const add = (alias: PackAlias): void => {
    const key = `${alias.kind}:${alias.text}`;
    if (seen.has(key)) return;
    seen.add(key);
    aliases.push(alias);
  };
  if (/^\d+$/.test(bare)) add({ text: bare, kind: 'number' });
  else {
    add({ text: bare, kind: 'name' });
    const ascii = bare.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd');
    if (ascii !== bare) add({ text: ascii, kind: 'name' });
  }
  for (const alias of extra) {
    add(alias.former ? { text: alias.text, kind: alias.kind, former: true } : { text: alias.text, kind: alias.kind });
  }
  return aliases;
}

const wardTypes = ['Thị trấn', 'Phường', 'Xã'];

/** Wards of one unit over both periods, by name; numbered wards lose their leading zeros. */
function mergeWards(code: string, lists: readonly WardListSource[]): PackWard[] {
  const byName = new Map<string, PackWard>();
  for (const list of lists) {
    const district = list.level2s.find((d) => d.level2_id === code);
    if (!district) continue;
    for (const ward of district.level3s) {
      const type = wardTypes.find((t) => ward.name.startsWith(t + ' ')) ?? ward.type;
      let name = bareName(ward.name.replace(/\s+/g, ' ').trim(), type);
      if (/^\d+$/.test(name)) name = String(Number(name));
      // The GSO data types Phú Nhuận's Phường 15 as "Xã" (an upstream error, see PROVENANCE.md): the name wins.
      if (!byName.has(name)) byName.set(name, { code: ward.level3_id, name, type });
    }
  }
  return [...byName.values()].sort((a, b) => a.code.localeCompare(b.code));
}

function compileBoundaries(source: BoundarySource, codes: ReadonlySet<string>): PackBoundary[] {
  const boundaries: PackBoundary[] = [];
  for (const feature of source.features) {
    const code = feature.properties.code;
    if (!codes.has(code)) throw new Error(`boundary for unknown unit ${code}`);
    const polygons =
      feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
    boundaries.push({
      code,
      polygons: polygons.map((rings) => rings.map((ring) => dedupeRing(ring.flatMap(([lon, lat]) => [round(lon ?? NaN), round(lat ?? NaN)])))),
    });
  }
  const missing = [...codes].filter((c) => !boundaries.some((b) => b.code === c));
  if (missing.length > 0) throw new Error(`no boundary for units ${missing.join(', ')}`);
  return boundaries.sort((a, b) => a.code.localeCompare(b.code));
}

/** Drops consecutive repeated vertices that rounding can create. */
function dedupeRing(flat: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const lon = flat[i] as number;
    const lat = flat[i + 1] as number;
    if (Number.isNaN(lon) || Number.isNaN(lat)) throw new Error('ring with a malformed vertex');
    if (out.length >= 2 && out[out.length - 2] === lon && out[out.length - 1] === lat) continue;
    out.push(lon, lat);
  }
  return out;
}

/** Expands each place's forms with the synonyms of its head word ("chợ X" → "X market"). */
function compilePlaces(gazetteer: GazetteerSource): PackPlace[] {
  const heads = Object.entries(gazetteer.headSynonyms).sort((a, b) => b[0].length - a[0].length);
  return gazetteer.places.map((place) => {
    const forms = new Set<string>();
    for (const form of place.forms) {
      forms.add(form);
      const lower = form.toLowerCase();
      for (const [head, synonyms] of heads) {
        if (!lower.startsWith(head + ' ')) continue;
        const rest = form.slice(head.length + 1);
        for (const synonym of synonyms) forms.add(synonym.replace('X', rest));
        break;
      }
    }
    const compiled: PackPlace = { forms: [...forms], kind: place.kind, units: [...place.units] };
    return place.needsKeyword ? { ...compiled, needsKeyword: true } : compiled;
  });
}
