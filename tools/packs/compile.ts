/**
 * Compiles the HCMC packs and the city's lexicon from their sources. Pure: it takes the parsed
 * sources and returns the files' contents, so `npm run build:pack` and the test that checks the
 * committed files run the same code. Deterministic: the same sources give the same bytes.
 */
import type { LexiconEntry, PackBoundaries, PackBoundary, PackId, PackUnit, UnitList } from '../../shared/jurisdictions/pack.ts';
import { OUTSIDE } from '../../shared/jurisdictions/pack.ts';
import { foldedPhrase } from '../../shared/classification/vietnamese-text.ts';
import { buildAdminModel, type AdminModel } from './admin.ts';
import { boundsOf, compileBoundaries, labelPoint, sourceFlatPolygons, type GeometryReport } from './geometry.ts';
import { buildLexicon, type PackTarget } from './lexicon.ts';
import type { BoundarySource, HcmcSources } from './sources.ts';

/** The hand-written description of the packs (shared/jurisdictions/hcmc/packs.json). */
export interface PackDescriptions {
  readonly packs: readonly {
    readonly id: PackId;
    readonly name: string;
    readonly nameEn: string;
    readonly validFrom: string;
    readonly validTo: string;
    /** Which unit set: the 168 units of 2025, or the 22 districts of 2021. */
    readonly units: 'wards-2025' | 'districts-2021';
    readonly otherGeneration: PackId;
    readonly toleranceMetres: number;
    readonly borderMarginMetres: number;
    /** Units this close to a hand-placed landmark point also count. */
    readonly landmarkMarginMetres: number;
    /** How much of a rough landmark point's uncertainty counts on this map. */
    readonly landmarkUncertaintyCapMetres: number;
    /** The unit the local stack gives a second officer and the docs use in examples. */
    readonly exampleUnit: string;
    readonly attribution: readonly string[];
  }[];
}

/** Everything the build writes, by pack. */
export interface CompiledPacks {
  readonly units: ReadonlyMap<PackId, UnitList>;
  readonly boundaries: ReadonlyMap<PackId, PackBoundaries>;
  readonly lexicon: { readonly packs: readonly PackId[]; readonly attribution: readonly string[]; readonly entries: readonly LexiconEntry[] };
  readonly report: ReadonlyMap<PackId, GeometryReport>;
  readonly model: AdminModel;
}

const ascii = (text: string): string => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');

/** An old district's English name: "District 3", "Go Vap District", "Thu Duc City". */
function districtNameEn(type: string, name: string): string {
  if (/^\d+$/.test(name)) return `District ${name}`;
  const suffix = type === 'Thành phố' ? 'City' : type === 'Thị xã' ? 'Town' : 'District';
  return `${ascii(name)} ${suffix}`;
}

export function compilePacks(sources: HcmcSources, descriptions: PackDescriptions): CompiledPacks {
  const model = buildAdminModel(sources);
  const hcmcDistricts = new Set(sources.districts2021.features.map((f) => String(f.properties.code)));
  const inCity = (codes: readonly string[]): string[] => {
    const inside = codes.filter((c) => hcmcDistricts.has(c));
    return inside.length === codes.length ? inside : [...inside, OUTSIDE];
  };

  const geometry = new Map<PackId, { boundaries: PackBoundary[]; report: GeometryReport; source: BoundarySource }>();
  const targets: PackTarget[] = descriptions.packs.map((pack) => {
    const source = pack.units === 'wards-2025' ? sources.wards2025 : sources.districts2021;
    const compiled = compileBoundaries(source, { toleranceMetres: pack.toleranceMetres, decimals: pack.toleranceMetres > 0 ? 5 : 6 });
    geometry.set(pack.id, { ...compiled, source });
    const landmarkMarginMetres = pack.landmarkMarginMetres;
    const landmarkUncertaintyCapMetres = pack.landmarkUncertaintyCapMetres;
    if (pack.units === 'wards-2025') {
      return {
        id: pack.id,
        boundaries: compiled.boundaries,
        landmarkMarginMetres,
        landmarkUncertaintyCapMetres,
        ofNewUnit: (code) => [code],
        ofDistrict: (code) => model.districtTargets.get(code) ?? [],
        ofCommune: (commune) => commune.targets,
      };
    }
    return {
      id: pack.id,
      boundaries: compiled.boundaries,
      landmarkMarginMetres,
      landmarkUncertaintyCapMetres,
      ofNewUnit: (code) => inCity(model.unitDistricts.get(code) ?? []),
      ofDistrict: (code) => inCity([code]),
      ofCommune: (commune) => inCity([commune.district]),
    };
  });

  const units = new Map<PackId, UnitList>();
  const boundaries = new Map<PackId, PackBoundaries>();
  const report = new Map<PackId, GeometryReport>();
  for (const pack of descriptions.packs) {
    const compiled = geometry.get(pack.id) as { boundaries: PackBoundary[]; report: GeometryReport; source: BoundarySource };
    const sourceByCode = new Map(compiled.source.features.map((f) => [String(f.properties.code), f]));
    const label = (code: string): [number, number] => {
      const feature = sourceByCode.get(code);
      if (!feature) throw new Error(`${pack.id}: no polygon for unit ${code}`);
      return labelPoint(sourceFlatPolygons(feature));
    };
    const list: PackUnit[] =
      pack.units === 'wards-2025'
        ? model.newUnits.map((unit) => ({
            code: unit.code,
            name: unit.fullName,
            nameEn: `${unit.nameEn} ${unit.typeEn}`,
            type: unit.type,
            group: mainDistrictName(model, unit.code),
            label: label(unit.code),
          }))
        : model.districts
            .filter((d) => hcmcDistricts.has(d.code))
            .map((d) => ({ code: d.code, name: d.fullName, nameEn: districtNameEn(d.type, d.name), type: d.type, group: d.provinceName, label: label(d.code) }));
    for (const unit of list) if (!sourceByCode.has(unit.code)) throw new Error(`${pack.id}: unit ${unit.code} has no polygon`);
    if (!list.some((unit) => unit.code === pack.exampleUnit)) throw new Error(`${pack.id}: example unit ${pack.exampleUnit} is not a unit`);
    if (sourceByCode.size !== list.length) throw new Error(`${pack.id}: ${sourceByCode.size} polygons for ${list.length} units`);
    units.set(pack.id, {
      id: pack.id,
      name: pack.name,
      nameEn: pack.nameEn,
      validFrom: pack.validFrom,
      validTo: pack.validTo,
      otherGeneration: pack.otherGeneration,
      level: pack.units === 'wards-2025' ? 'commune' : 'district',
      exampleUnit: pack.exampleUnit,
      bounds: boundsOf(compiled.boundaries),
      attribution: pack.attribution,
      units: list.sort((a, b) => a.code.localeCompare(b.code)),
    });
    boundaries.set(pack.id, {
      id: pack.id,
      toleranceMetres: pack.toleranceMetres,
      borderMarginMetres: pack.borderMarginMetres,
      boundaries: compiled.boundaries,
    });
    report.set(pack.id, compiled.report);
  }

  // Each form's folded tokens go into the pack, so the engine's cold start does not fold them.
  const entries = buildLexicon(model, sources.gazetteer, sources.landmarks, targets).map((entry) => ({ ...entry, folded: entry.forms.map(foldedPhrase) }));
  const attribution = [...sources.gazetteer.attribution, 'Administrative names: see each pack.'];
  return { units, boundaries, lexicon: { packs: descriptions.packs.map((p) => p.id), attribution, entries }, report, model };
}

/** The old district most of a 2025 unit's communes came from: how people looked for it before. */
function mainDistrictName(model: AdminModel, unit: string): string {
  const counts = new Map<string, number>();
  for (const commune of model.communes) if (commune.targets.includes(unit)) counts.set(commune.district, (counts.get(commune.district) ?? 0) + 1);
  for (const code of model.unitDistricts.get(unit) ?? []) if (!counts.has(code)) counts.set(code, 0);
  const [best] = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const district = model.districts.find((d) => d.code === best?.[0]);
  if (!district) throw new Error(`2025 unit ${unit}: no old district`);
  return district.fullName;
}

/** The committed form of a compiled file: one line per array element, so diffs stay readable. */
export function serialise(value: object): string {
  const lines = Object.entries(value).map(([key, item]) => {
    if (!Array.isArray(item)) return `${JSON.stringify(key)}:${JSON.stringify(item)}`;
    return `${JSON.stringify(key)}:[\n${item.map((element) => JSON.stringify(element)).join(',\n')}\n]`;
  });
  return `{\n${lines.join(',\n')}\n}\n`;
}

/** The files the build writes, path (relative to the repository) → content. */
export function packFiles(compiled: CompiledPacks): Map<string, string> {
  const files = new Map<string, string>();
  for (const [id, list] of compiled.units) files.set(`shared/jurisdictions/${id}/units.json`, serialise(list));
  for (const [id, boundaries] of compiled.boundaries) files.set(`shared/jurisdictions/${id}/boundaries.json`, serialise(boundaries));
  files.set('shared/jurisdictions/hcmc/lexicon.json', serialise(compiled.lexicon));
  return files;
}
