/**
 * The packs a deployment may route to, and the small facts about them that every function may
 * bundle: unit codes and names. The polygons and the lexicon (for the classifier) are in
 * shared/classification/packs.ts, so a function that only shows names does not load them.
 */
import units2021 from './hcmc-2021/units.json' with { type: 'json' };
import units2025 from './hcmc-2025/units.json' with { type: 'json' };
import type { PackId, PackUnit, UnitList } from './pack.ts';

/** Every pack, the map in force first. */
export const unitLists: readonly UnitList[] = [units2025 as unknown as UnitList, units2021 as unknown as UnitList];

/** Ids of the packs a deployment may choose. */
export const packIds: readonly PackId[] = unitLists.map((list) => list.id);

/** The pack of the map in force: the default of every deployment and of `npm start`. */
export const defaultPackId: PackId = unitLists[0]?.id as PackId;

/** The queue key of the city duty desk, which takes every tip no unit can safely claim. */
export const cityDeskQueue = 'CITY';

/** The city duty desk as tipsters and officers see it. */
export const cityDesk = {
  name: 'Trực ban Công an Thành phố Hồ Chí Minh',
  nameEn: 'Ho Chi Minh City Police duty desk',
} as const;

/** One pack's units, with the lookups the domain needs. */
export interface Jurisdiction {
  readonly id: PackId;
  readonly name: string;
  readonly nameEn: string;
  readonly otherGeneration: PackId;
  /** What its units are: communes (wards, communes, the special zone) or districts. */
  readonly level: 'commune' | 'district';
  /** The unit the local stack gives a second officer and the docs use in examples. */
  readonly exampleUnit: string;
  /** [minLon, minLat, maxLon, maxLat] of all units. */
  readonly bounds: readonly [number, number, number, number];
  readonly units: readonly PackUnit[];
  /** Codes of every unit. */
  readonly unitCodes: readonly string[];
  /** Every queue a tip can sit in: the units' codes and the city desk. */
  readonly queueCodes: readonly string[];
  findUnit(code: string): PackUnit | undefined;
}

const jurisdictions = new Map<PackId, Jurisdiction>(
  unitLists.map((list) => {
    const byCode = new Map(list.units.map((unit) => [unit.code, unit]));
    const unitCodes = list.units.map((unit) => unit.code);
    return [
      list.id,
      {
        id: list.id,
        name: list.name,
        nameEn: list.nameEn,
        otherGeneration: list.otherGeneration,
        level: list.level,
        exampleUnit: list.exampleUnit,
        bounds: list.bounds,
        units: list.units,
        unitCodes,
        queueCodes: [...unitCodes, cityDeskQueue],
        findUnit: (code: string) => byCode.get(code),
      },
    ];
  }),
);

/** Whether a pack of this id exists. */
export function isPackId(id: string): id is PackId {
  return jurisdictions.has(id);
}

/** The pack of this id; throws for an unknown id (a deployment's configuration is checked at cold start). */
export function jurisdiction(id: PackId = defaultPackId): Jurisdiction {
  const found = jurisdictions.get(id);
  if (!found) throw new Error(`Unknown jurisdiction pack ${JSON.stringify(id)}; known: ${packIds.join(', ')}`);
  return found;
}

/**
 * Who holds a tip, as the tipster is told: its unit, or the city desk while it has none (or its
 * unit is not on a map this build knows).
 */
export function holderOf(tip: { readonly pack: PackId; readonly unit: string | null }): { readonly code: string; readonly name: string; readonly nameEn: string } {
  const unit = tip.unit !== null && isPackId(tip.pack) ? jurisdiction(tip.pack).findUnit(tip.unit) : undefined;
  return unit ? { code: unit.code, name: unit.name, nameEn: unit.nameEn } : { code: cityDeskQueue, ...cityDesk };
}
