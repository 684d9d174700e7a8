/**
 * The source files of the HCMC packs, as the compiler reads them: the administrative data in
 * data/hcmc/ (see data/hcmc/PROVENANCE.md) and the hand-curated gazetteer and landmarks in
 * shared/jurisdictions/hcmc/. Readers only parse; every interpretation lives in admin.ts and
 * lexicon.ts, so a test can feed the compiler the same objects.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AbbreviationKind } from '../../shared/jurisdictions/pack.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** Where the administrative source files are (copied into the repository, with provenance). */
export const sourceDataDir = `${repo}data/hcmc/`;
/** Where the hand-curated files are. */
export const gazetteerDir = `${repo}shared/jurisdictions/hcmc/`;
/** Where the compiled packs are written. */
export const jurisdictionsDir = `${repo}shared/jurisdictions/`;

/** A GSO ward list as the dvhcvn files give it (one province). */
export interface WardListSource {
  readonly level1_id: string;
  readonly level2s: readonly {
    readonly level2_id: string;
    readonly name: string;
    readonly type: string;
    readonly level3s: readonly { readonly level3_id: string; readonly name: string; readonly type: string }[];
  }[];
}

/** GeoJSON polygons, one feature per unit, with the unit's code. */
export interface BoundarySource {
  readonly features: readonly {
    readonly id?: string | number;
    readonly properties: { readonly code: string; readonly name?: string };
    readonly geometry:
      | { readonly type: 'Polygon'; readonly coordinates: number[][][] }
      | { readonly type: 'MultiPolygon'; readonly coordinates: number[][][][] };
  }[];
}

/** units-2025.json: the province object with its 168 units. */
export interface Units2025Source {
  readonly Code: string;
  readonly Wards: readonly {
    readonly Code: string;
    readonly Name: string;
    readonly NameEn: string;
    readonly FullName: string;
    readonly FullNameEn: string;
    readonly AdministrativeUnitShortName: string;
    readonly AdministrativeUnitShortNameEn: string;
  }[];
}

/** old-to-new-2025.json: each old commune's new unit(s), per old province. */
export interface OldToNewSource {
  readonly data: readonly {
    readonly level1_id: string;
    readonly name: string;
    readonly level3s: readonly { readonly level3_id: string; readonly name: string; readonly splits: readonly { readonly new_id: string }[] }[];
    readonly level2s?: readonly { readonly level2_id: string; readonly name: string; readonly splits: readonly { readonly new_id: string }[] }[];
  }[];
}

/** new-to-old-2025.json: each new unit's old communes, whole or in part. */
export interface NewToOldSource {
  readonly data: readonly {
    readonly level2s: readonly {
      readonly level2_id: string;
      readonly merges: readonly { readonly old_id: string; readonly name: string; readonly type: 'full' | 'partial' }[];
    }[];
  }[];
}

/** One row of old-to-new-2025.csv (the only file that gives old districts outside HCMC). */
export interface OldToNewRow {
  readonly oldProvinceCode: string;
  readonly oldProvinceName: string;
  readonly oldDistrictCode: string;
  readonly oldDistrictName: string;
  readonly oldWardCode: string;
  readonly oldWardName: string;
  readonly newUnitCode: string;
}

/** The hand-curated gazetteer (shared/jurisdictions/hcmc/gazetteer.json). */
export interface GazetteerSource {
  readonly attribution: readonly string[];
  /** Abbreviations of old districts, by district code. */
  readonly districtAbbreviations: Readonly<Record<string, readonly { text: string; kind: AbbreviationKind | 'name'; why?: string }[]>>;
  /** Districts merged into another before the 2025 map, with the wards they had. */
  readonly formerDistricts: readonly { name: string; type: string; into: string; wards: readonly string[]; why?: string }[];
  /** Commune names that count only after a type word. */
  readonly keywordOnlyNames: readonly { name: string; why?: string }[];
  readonly headSynonyms: Readonly<Record<string, readonly string[]>>;
  readonly streets: readonly { districts: readonly string[]; forms: readonly string[]; needsKeyword?: boolean; why?: string }[];
}

/** The hand-curated landmarks (shared/jurisdictions/hcmc/landmarks.json): points, not units. */
export interface LandmarksSource {
  readonly landmarks: readonly {
    readonly forms: readonly string[];
    readonly kind: 'landmark' | 'area' | 'line';
    readonly point?: readonly [number, number];
    readonly points?: readonly (readonly [number, number])[];
    /** How far the point may be off (a rough estimate): every unit this close may be meant. */
    readonly uncertaintyMetres?: number;
    /** How far the place itself reaches from its point (a bridge's half-length): it lies in every unit this close. */
    readonly spanMetres?: number;
  }[];
  /** Places outside the city (other provinces, abroad). */
  readonly outside: readonly string[];
}

/** Every source of the HCMC packs. */
export interface HcmcSources {
  readonly units2025: Units2025Source;
  readonly wards2025: BoundarySource;
  readonly districts2021: BoundarySource;
  readonly wardList2021: WardListSource;
  readonly wardList2025H1: WardListSource;
  readonly oldToNew: OldToNewSource;
  readonly newToOld: NewToOldSource;
  readonly oldToNewRows: readonly OldToNewRow[];
  readonly gazetteer: GazetteerSource;
  readonly landmarks: LandmarksSource;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/**
 * Parses old-to-new-2025.csv. Its lines end in CRLF and no field holds a comma or a quote
 * (checked: a line with a quote is refused rather than misread).
 */
export function parseOldToNewCsv(text: string): OldToNewRow[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = (lines.shift() ?? '').split(',');
  const column = (name: string): number => {
    const index = header.indexOf(name);
    if (index < 0) throw new Error(`old-to-new-2025.csv has no column ${name}`);
    return index;
  };
  const at = {
    province: column('old_province_code'),
    provinceName: column('old_province_name'),
    district: column('old_district_code'),
    districtName: column('old_district_name'),
    ward: column('old_ward_code'),
    wardName: column('old_ward_name'),
    unit: column('new_ward_code'),
  };
  return lines.map((line, index) => {
    if (line.includes('"')) throw new Error(`old-to-new-2025.csv line ${index + 2}: quoted fields are not expected`);
    const fields = line.split(',');
    const field = (i: number): string => (fields[i] ?? '').trim();
    return {
      oldProvinceCode: field(at.province),
      oldProvinceName: field(at.provinceName),
      oldDistrictCode: field(at.district),
      oldDistrictName: field(at.districtName),
      oldWardCode: field(at.ward),
      oldWardName: field(at.wardName),
      newUnitCode: field(at.unit),
    };
  });
}

/** Reads every source file of the HCMC packs. */
export function readHcmcSources(): HcmcSources {
  const hcmcOnly = (path: string): WardListSource => {
    const list = readJson<WardListSource | WardListSource[]>(path);
    const province = Array.isArray(list) ? list.find((p) => p.level1_id === '79') : list;
    if (!province) throw new Error(`${path}: no HCMC object`);
    return province;
  };
  return {
    units2025: readJson(`${sourceDataDir}units-2025.json`),
    wards2025: readJson(`${sourceDataDir}wards-2025.geojson`),
    districts2021: readJson(`${sourceDataDir}districts-2021.geojson`),
    wardList2021: hcmcOnly(`${sourceDataDir}districts-wards-2021-2024.json`),
    wardList2025H1: hcmcOnly(`${sourceDataDir}districts-wards-2025H1.json`),
    oldToNew: readJson(`${sourceDataDir}old-to-new-2025.json`),
    newToOld: readJson(`${sourceDataDir}new-to-old-2025.json`),
    oldToNewRows: parseOldToNewCsv(readFileSync(`${sourceDataDir}old-to-new-2025.csv`, 'utf8')),
    gazetteer: readJson(`${gazetteerDir}gazetteer.json`),
    landmarks: existsSync(`${gazetteerDir}landmarks.json`) ? readJson(`${gazetteerDir}landmarks.json`) : { landmarks: [], outside: [] },
  };
}
