/**
 * The city's lexicon: every name a tip may use for a place, and the units of each pack it
 * means. Administrative names come from the model of admin.ts; abbreviations, former
 * districts, keyword-only names and streets from the hand-curated gazetteer; landmarks from
 * their points, located in each pack's polygons (so no second list of units is written by hand).
 */
import { GpsIndex } from '../../shared/classification/gps-index.ts';
import type { AbbreviationKind, LexiconEntry, PackBoundary, PackId, PlaceLevel } from '../../shared/jurisdictions/pack.ts';
import { OUTSIDE } from '../../shared/jurisdictions/pack.ts';
import { nameKey, type AdminModel } from './admin.ts';
import type { GazetteerSource, LandmarksSource } from './sources.ts';

/** One pack as the lexicon needs it: its units and how an admin place maps into them. */
export interface PackTarget {
  readonly id: PackId;
  readonly boundaries: readonly PackBoundary[];
  /** Units this close to a hand-placed landmark point also count. */
  readonly landmarkMarginMetres: number;
  /** How much of a rough landmark point's stated uncertainty counts on this map. */
  readonly landmarkUncertaintyCapMetres: number;
  /** The pack's units of a 2025 unit. */
  readonly ofNewUnit: (code: string) => readonly string[];
  /** The pack's units of an old district. */
  readonly ofDistrict: (code: string) => readonly string[];
  /** The pack's units of an old commune. */
  readonly ofCommune: (commune: AdminModel['communes'][number]) => readonly string[];
}

/** Latin letters for a Vietnamese name ("Gò Vấp" → "Go Vap"): English texts write names so. */
const ascii = (text: string): string => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');

const unique = <T>(values: Iterable<T>): T[] => [...new Set(values)];

/** Builds the lexicon for a set of packs. Deterministic: the same sources give the same entries. */
export function buildLexicon(
  model: AdminModel,
  gazetteer: GazetteerSource,
  landmarks: LandmarksSource,
  packs: readonly PackTarget[],
): LexiconEntry[] {
  const entries: LexiconEntry[] = [];
  const keywordOnly = new Set(gazetteer.keywordOnlyNames.map((n) => nameKey(n.name)));
  const add = (entry: Omit<LexiconEntry, 'id'>): number => {
    const id = entries.length;
    entries.push({ id, ...entry });
    return id;
  };
  const unitsIn = (resolve: (pack: PackTarget) => readonly string[]): Record<PackId, string[]> =>
    Object.fromEntries(packs.map((pack) => [pack.id, unique(resolve(pack)).sort()]));
  const forms = (name: string, extra: readonly string[] = []): string[] => unique([name, ascii(name), ...extra]);

  // The 168 units of the map in force.
  for (const unit of model.newUnits) {
    const numbered = /^\d+$/.test(unit.name);
    add({
      level: 'commune',
      type: unit.type,
      name: unit.name,
      forms: forms(unit.name, [unit.nameEn]),
      generation: 'current',
      ...((numbered || keywordOnly.has(nameKey(unit.name))) && { keywordOnly: true }),
      units: unitsIn((pack) => pack.ofNewUnit(unit.code)),
    });
  }

  // Old districts, the districts merged into them, and the provinces that joined the city.
  const districtIds = new Map<string, number>();
  for (const district of model.districts) {
    const numbered = /^\d+$/.test(district.name);
    const abbreviations = (gazetteer.districtAbbreviations[district.code] ?? []).filter((a) => a.kind !== 'name');
    const names = (gazetteer.districtAbbreviations[district.code] ?? []).filter((a) => a.kind === 'name').map((a) => a.text);
    districtIds.set(
      district.code,
      add({
        level: 'district',
        type: district.type,
        name: district.name,
        forms: forms(district.name, names),
        ...(abbreviations.length > 0 && { abbreviations: abbreviations.map((a) => ({ text: a.text, kind: a.kind as AbbreviationKind })) }),
        generation: 'former',
        ...(numbered && { keywordOnly: true }),
        units: unitsIn((pack) => pack.ofDistrict(district.code)),
      }),
    );
  }
  const formerParents = new Map<string, number[]>();
  for (const former of gazetteer.formerDistricts) {
    const into = model.districts.find((d) => d.code === former.into);
    if (!into) throw new Error(`former district ${former.name}: no district ${former.into}`);
    const name = former.name.startsWith(`${former.type} `) ? former.name.slice(former.type.length + 1) : former.name;
    // A former district given without wards is the same place under its earlier type ("thị xã Bến Cát").
    const named = former.wards.length > 0 ? former.wards : model.communes.filter((c) => c.district === into.code).map((c) => c.name);
    const wards = named.map((ward) => {
      const commune = model.communes.find((c) => c.district === into.code && nameKey(c.name) === nameKey(ward));
      if (!commune) throw new Error(`former district ${former.name}: ${into.fullName} has no commune ${ward}`);
      return commune;
    });
    const id = add({
      level: 'district',
      type: former.type,
      name,
      forms: forms(name),
      generation: 'former',
      ...(/^\d+$/.test(name) && { keywordOnly: true }),
      units: unitsIn((pack) => (former.wards.length > 0 ? wards.flatMap((w) => pack.ofCommune(w)) : pack.ofDistrict(into.code))),
    });
    for (const ward of wards) formerParents.set(`${into.code}|${nameKey(ward.name)}`, [...(formerParents.get(`${into.code}|${nameKey(ward.name)}`) ?? []), id]);
  }
  for (const province of unique(model.districts.filter((d) => d.province !== model.province).map((d) => d.province))) {
    const districts = model.districts.filter((d) => d.province === province);
    const fullName = districts[0]?.provinceName ?? province;
    const name = fullName.replace(/^Tỉnh /, '');
    const spaced = name.replace(/\s*-\s*/g, ' ');
    const initials = name.split(/[\s-]+/).map((w) => w[0] ?? '').join('');
    add({
      level: 'province',
      type: 'Tỉnh',
      name,
      forms: forms(name, [spaced, ascii(spaced)]),
      ...(initials.length >= 3 && { abbreviations: [{ text: ascii(initials).toUpperCase(), kind: 'abbr-safe' as const }] }),
      generation: 'former',
      units: unitsIn((pack) => districts.flatMap((d) => pack.ofDistrict(d.code))),
    });
  }

  // Old communes, each under its district (and the former district it lay in).
  for (const commune of model.communes) {
    const parent = districtIds.get(commune.district);
    if (parent === undefined) throw new Error(`commune ${commune.name}: no district ${commune.district}`);
    const numbered = /^\d+$/.test(commune.name);
    add({
      level: 'commune',
      type: commune.type,
      name: commune.name,
      forms: forms(commune.name),
      generation: 'former',
      parents: [parent, ...(formerParents.get(`${commune.district}|${nameKey(commune.name)}`) ?? [])],
      ...((numbered || keywordOnly.has(nameKey(commune.name))) && { keywordOnly: true }),
      units: unitsIn((pack) => pack.ofCommune(commune)),
    });
  }

  // Landmarks, areas and lines: located in each pack's polygons.
  const heads = Object.entries(gazetteer.headSynonyms).sort((a, b) => b[0].length - a[0].length);
  const indexes = new Map<string, GpsIndex>();
  const indexFor = (pack: PackTarget, margin: number): GpsIndex => {
    const key = `${pack.id}@${margin}`;
    let index = indexes.get(key);
    if (!index) {
      index = new GpsIndex(pack.boundaries, { marginMetres: margin });
      indexes.set(key, index);
    }
    return index;
  };
  for (const landmark of landmarks.landmarks) {
    const points = landmark.point ? [landmark.point] : (landmark.points ?? []);
    if (points.length === 0) throw new Error(`landmark ${landmark.forms[0]} has no point`);
    const level: PlaceLevel = landmark.kind === 'landmark' ? 'landmark' : 'area';
    add({
      level,
      name: landmark.forms[0] ?? '',
      forms: expandHeads(landmark.forms, heads),
      generation: 'current',
      units: unitsIn((pack) => {
        const reach = Math.max(pack.landmarkMarginMetres, landmark.spanMetres ?? 0, Math.min(landmark.uncertaintyMetres ?? 0, pack.landmarkUncertaintyCapMetres));
        const index = indexFor(pack, reach);
        return points.flatMap(([lon, lat]) => {
          const location = index.locate(lat, lon);
          const near = location.nearby.map((n) => n.code);
          const found = location.code === null ? [OUTSIDE, ...near] : [location.code, ...near];
          return found;
        });
      }),
    });
  }
  for (const name of landmarks.outside) {
    add({ level: 'area', name, forms: forms(name), generation: 'current', units: unitsIn(() => [OUTSIDE]) });
  }

  // Streets: into their old districts, and into every unit those districts became.
  for (const street of gazetteer.streets) {
    for (const code of street.districts) if (!districtIds.has(code)) throw new Error(`street ${street.forms[0]}: unknown district ${code}`);
    add({
      level: 'street',
      name: street.forms[0] ?? '',
      forms: unique(street.forms.flatMap((form) => forms(form))),
      generation: 'current',
      ...(street.needsKeyword && { needsKeyword: true }),
      units: unitsIn((pack) => street.districts.flatMap((code) => pack.ofDistrict(code))),
    });
  }
  return entries;
}

/** A landmark's forms with the synonyms of its head word ("chợ X" → "X market", "cho X"). */
function expandHeads(forms: readonly string[], heads: readonly [string, readonly string[]][]): string[] {
  const out = new Set<string>();
  for (const form of forms) {
    out.add(form);
    const lower = form.toLowerCase();
    for (const [head, synonyms] of heads) {
      if (!lower.startsWith(`${head} `)) continue;
      const rest = form.slice(head.length + 1);
      for (const synonym of synonyms) out.add(synonym.replace('X', rest));
      break;
    }
  }
  return [...out];
}
