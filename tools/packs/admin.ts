/**
 * The administrative model of Ho Chi Minh City across its maps, read from data/hcmc/: the 168
 * units of 1 July 2025, the old districts (22 of HCMC, and those of Bình Dương and Bà Rịa–Vũng
 * Tàu that joined the city) with their communes, and which new unit(s) each old commune became.
 *
 * The traps of the source files are handled here, once:
 * - names carry their type ("Phường 05", "Thị trấn Củ Chi"); the name wins over the `type`
 *   field (2025 H1 types Phú Nhuận's Phường 5 and 15 as "Xã");
 * - numbered wards lose their leading zeros, and spacing is normalised ("Phường  An Lạc");
 * - "Hoà" and "Hòa" are the same name (the engine folds both to "hoa");
 * - a numbered ward may have another code in 2021–2024 than in 2025 H1 (Gò Vấp's "Phường 1"):
 *   a tipster may mean either, so an old commune's new units are the union of both readings;
 * - 39 codes of 2021–2024 were merged away before July 2025 and appear in no mapping: such a
 *   commune is read through the 2025 H1 commune of the same name in its district, whose code
 *   the mapping has; one whose name is gone too could have become any unit of its district.
 */
import type { HcmcSources, WardListSource } from './sources.ts';

/** A unit of the 2025 map. */
export interface NewUnit {
  readonly code: string;
  readonly fullName: string;
  readonly name: string;
  readonly nameEn: string;
  readonly type: string;
  readonly typeEn: string;
}

/** A district-level unit before July 2025 (HCMC, Bình Dương, Bà Rịa–Vũng Tàu). */
export interface OldDistrict {
  readonly code: string;
  readonly fullName: string;
  /** The name without its type ("1", "Bình Thạnh", "Thủ Dầu Một"). */
  readonly name: string;
  readonly type: string;
  readonly province: string;
  readonly provinceName: string;
}

/** A commune-level unit before July 2025. */
export interface OldCommune {
  readonly district: string;
  readonly name: string;
  readonly type: string;
  /** The codes it had (2021–2024 and 2025 H1 may differ). */
  readonly codes: readonly string[];
  /** The 2025 unit(s) it became: one, or two or three where it was split. */
  readonly targets: readonly string[];
}

/** The whole model. */
export interface AdminModel {
  readonly province: string;
  readonly newUnits: readonly NewUnit[];
  readonly districts: readonly OldDistrict[];
  readonly communes: readonly OldCommune[];
  /** Each district's 2025 units: every unit one of its communes became. */
  readonly districtTargets: ReadonlyMap<string, readonly string[]>;
  /** Each 2025 unit's old districts. */
  readonly unitDistricts: ReadonlyMap<string, readonly string[]>;
}

const communeTypes = ['Thị trấn', 'Phường', 'Xã', 'Đặc khu'] as const;
const districtTypes = ['Thành phố', 'Thị xã', 'Quận', 'Huyện'] as const;

/** Spacing as a person writes it. */
export const normaliseSpacing = (text: string): string => text.normalize('NFC').replace(/\s+/g, ' ').trim();

/** Splits "Phường 05" into type and name, reading the type from the name first. */
export function splitTypedName(fullName: string, types: readonly string[], fallbackType: string): { type: string; name: string } {
  const clean = normaliseSpacing(fullName);
  const type = types.find((t) => clean.startsWith(`${t} `)) ?? fallbackType;
  let name = clean.startsWith(`${type} `) ? clean.slice(type.length + 1).trim() : clean;
  if (/^\d+$/.test(name)) name = String(Number(name));
  return { type, name };
}

/** A key that ignores tone-mark placement, case and spacing ("Hoà" = "Hòa"). */
export function nameKey(name: string): string {
  return normaliseSpacing(name).normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase();
}

const sortedUnique = (values: Iterable<string>): string[] => [...new Set(values)].sort();

/** Builds the model from the sources. Throws on anything it cannot read unambiguously. */
export function buildAdminModel(sources: HcmcSources): AdminModel {
  const province = sources.units2025.Code;
  const newUnits: NewUnit[] = sources.units2025.Wards.map((unit) => ({
    code: unit.Code,
    fullName: normaliseSpacing(unit.FullName),
    name: normaliseSpacing(unit.Name),
    nameEn: normaliseSpacing(unit.NameEn),
    type: normaliseSpacing(unit.AdministrativeUnitShortName),
    typeEn: normaliseSpacing(unit.AdministrativeUnitShortNameEn),
  }));
  const newCodes = new Set(newUnits.map((u) => u.code));

  // Old commune code → new units, and old district → new units (Côn Đảo had no communes).
  const splits = new Map<string, string[]>();
  const districtSplits = new Map<string, string[]>();
  for (const old of sources.oldToNew.data) {
    for (const commune of old.level3s) splits.set(commune.level3_id, commune.splits.map((s) => s.new_id));
    for (const district of old.level2s ?? []) districtSplits.set(district.level2_id, district.splits.map((s) => s.new_id));
  }
  for (const targets of [...splits.values(), ...districtSplits.values()]) {
    for (const code of targets) if (!newCodes.has(code)) throw new Error(`mapping names unknown 2025 unit ${code}`);
  }

  // Districts and communes: HCMC from the two GSO lists, Bình Dương and Bà Rịa–Vũng Tàu from the CSV.
  const districts = new Map<string, OldDistrict>();
  const communes = new Map<string, { district: string; name: string; type: string; codes: Set<string>; targets: Set<string> }>();
  const addDistrict = (code: string, fullName: string, provinceCode: string, provinceName: string): void => {
    if (districts.has(code)) return;
    const { type, name } = splitTypedName(fullName, districtTypes, 'Quận');
    districts.set(code, { code, fullName: normaliseSpacing(fullName), name, type, province: provinceCode, provinceName });
  };
  const communeOf = (district: string, fullName: string, typeField: string) => {
    const { type, name } = splitTypedName(fullName, communeTypes, typeField);
    const key = `${district}|${nameKey(name)}`;
    let commune = communes.get(key);
    if (!commune) {
      commune = { district, name, type, codes: new Set(), targets: new Set() };
      communes.set(key, commune);
    }
    return commune;
  };

  const hcmcName = 'Thành phố Hồ Chí Minh';
  // A commune is one name in one district over both lists: every code it had counts.
  const lists: [WardListSource][] = [[sources.wardList2025H1], [sources.wardList2021]];
  for (const [list] of lists) {
    for (const district of list.level2s) {
      addDistrict(district.level2_id, district.name, province, hcmcName);
      for (const ward of district.level3s) {
        const commune = communeOf(district.level2_id, ward.name, ward.type);
        commune.codes.add(ward.level3_id);
        const direct = splits.get(ward.level3_id);
        if (direct) for (const t of direct) commune.targets.add(t);
      }
    }
  }
  for (const row of sources.oldToNewRows) {
    if (row.oldProvinceCode === province) continue;
    addDistrict(row.oldDistrictCode, row.oldDistrictName, row.oldProvinceCode, row.oldProvinceName);
    if (!row.oldWardCode) continue;
    const commune = communeOf(row.oldDistrictCode, row.oldWardName, '');
    commune.codes.add(row.oldWardCode);
    for (const t of splits.get(row.oldWardCode) ?? [row.newUnitCode]) commune.targets.add(t);
  }
  const districtTargets = new Map<string, string[]>();
  for (const district of districts.values()) {
    const targets = new Set<string>(districtSplits.get(district.code) ?? []);
    for (const commune of communes.values()) if (commune.district === district.code) for (const t of commune.targets) targets.add(t);
    districtTargets.set(district.code, sortedUnique(targets));
  }
  for (const commune of communes.values()) {
    if (commune.targets.size === 0) for (const t of districtTargets.get(commune.district) ?? []) commune.targets.add(t);
    if (commune.targets.size === 0) throw new Error(`commune ${commune.name} (${commune.district}) maps to no 2025 unit`);
  }

  const unitDistricts = new Map<string, string[]>();
  for (const [district, targets] of districtTargets) {
    for (const unit of targets) unitDistricts.set(unit, sortedUnique([...(unitDistricts.get(unit) ?? []), district]));
  }
  for (const unit of newUnits) if (!unitDistricts.has(unit.code)) throw new Error(`2025 unit ${unit.code} comes from no old district`);

  return {
    province,
    newUnits,
    districts: [...districts.values()].sort((a, b) => a.code.localeCompare(b.code)),
    communes: [...communes.values()]
      .map((c) => ({ district: c.district, name: c.name, type: c.type, codes: sortedUnique(c.codes), targets: sortedUnique(c.targets) }))
      .sort((a, b) => a.district.localeCompare(b.district) || a.name.localeCompare(b.name)),
    districtTargets,
    unitDistricts,
  };
}
