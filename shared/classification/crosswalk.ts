/**
 * Where each unit of one pack lies on another pack's map, read from the city's lexicon (each
 * unit's own entry names its units in every pack): Phường Bàn Cờ lies in Quận 3; Quận 3 covers
 * Phường Xuân Hòa, Nhiêu Lộc and Bàn Cờ. Used to read a unit picked on the form on the other
 * map, and to move open tips between maps (repack).
 */
import { jurisdiction } from '../jurisdictions/index.ts';
import type { LexiconEntry, PackId } from '../jurisdictions/pack.ts';
import { OUTSIDE } from '../jurisdictions/pack.ts';

/** Unit code of `from` → the units of `to` it lies in or covers (none: outside `to`'s map). */
export function unitCrosswalk(entries: readonly LexiconEntry[], from: PackId, to: PackId): ReadonlyMap<string, readonly string[]> {
  const source = jurisdiction(from);
  const target = new Set(jurisdiction(to).unitCodes);
  const map = new Map<string, readonly string[]>();
  for (const entry of entries) {
    const own = entry.units[from];
    // A unit's own entry: of the pack's level, naming exactly it (for communes, today's name, not an old one).
    if (entry.level !== source.level || own?.length !== 1 || (entry.level === 'commune' && entry.generation !== 'current')) continue;
    const code = own[0] as string;
    if (!source.unitCodes.includes(code) || map.has(code)) continue;
    map.set(code, (entry.units[to] ?? []).filter((unit) => unit !== OUTSIDE && target.has(unit)));
  }
  return map;
}
