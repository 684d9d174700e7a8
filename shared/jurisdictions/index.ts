import hcmc2021Units from './hcmc-2021/units.json' with { type: 'json' };

/** One routing unit: a district-level police unit (2021–2025) or a ward/commune unit (from July 2025). */
export interface JurisdictionUnit {
  readonly code: string;
  readonly name: string;
  readonly nameEn: string;
  readonly type: string;
}

/** A set of routing units valid over one period. The unit of routing is data, not code. */
export interface Jurisdiction {
  readonly id: string;
  readonly name: string;
  readonly units: readonly JurisdictionUnit[];
}

/** The queue key of the city duty desk, which takes every tip no unit can safely claim. */
export const cityDeskQueue = 'CITY';

/** The city duty desk as tipsters and officers see it. */
export const cityDesk = {
  name: 'Trực ban Công an Thành phố Hồ Chí Minh',
  nameEn: 'Ho Chi Minh City Police duty desk',
} as const;

/** HCMC's 22 district-level units of 2021–2025, GSO codes. */
export const hcmc2021: Jurisdiction = hcmc2021Units;

/** The jurisdiction tips are routed in today. */
export const activeJurisdiction: Jurisdiction = hcmc2021;

const unitsByCode = new Map(activeJurisdiction.units.map((unit) => [unit.code, unit]));

/** The unit with this code in the active jurisdiction, or undefined. */
export function findUnit(code: string): JurisdictionUnit | undefined {
  return unitsByCode.get(code);
}

/** Codes of every unit in the active jurisdiction. */
export const unitCodes: readonly string[] = activeJurisdiction.units.map((unit) => unit.code);
