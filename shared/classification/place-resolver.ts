/**
 * Decides which unit a tip belongs to, from (in this order) a unit the tipster picked, the GPS
 * point, and the text; and where the same evidence lies on the other generation's map.
 *
 * The text is read once (place-mentions.ts) and scored in each pack (place-scoring.ts): the
 * lexicon gives every mention's units in both, so "phường 5, quận 3" is Quận 3 on the 2021 map
 * and Phường Bàn Cờ on the 2025 one from the same reading.
 */
import type { LexiconEntry, PackId } from '../jurisdictions/pack.ts';
import { unitCrosswalk } from './crosswalk.ts';
import { GpsIndex } from './gps-index.ts';
import { MentionFinder } from './place-mentions.ts';
import { decide, explicitDecision, fuseWithGps, scoreMentions, validPoint } from './place-scoring.ts';
import type { FirstTokenIndex } from './phrase-trie.ts';
import type { ClassifierInput, OtherGeneration, RoutingDecision } from './types.ts';
import type { NormalisedText } from './vietnamese-text.ts';

/** One pack as the resolver uses it. */
export interface ResolverPack {
  readonly id: PackId;
  readonly unitCodes: ReadonlySet<string>;
  readonly gps: GpsIndex;
}

/** Both generations' decisions for one tip. */
export interface Resolution {
  readonly routing: RoutingDecision;
  readonly otherGeneration: OtherGeneration | null;
}

export class PlaceResolver {
  readonly active: ResolverPack;
  readonly other: ResolverPack | null;
  readonly finder: MentionFinder;
  /** Where each active unit lies on the other map, to read a unit picked on the form there. */
  private readonly crosswalk: ReadonlyMap<string, readonly string[]>;

  constructor(entries: readonly LexiconEntry[], active: ResolverPack, other: ResolverPack | null, starts?: FirstTokenIndex) {
    this.active = active;
    this.other = other;
    this.finder = new MentionFinder(entries, starts);
    this.crosswalk = other ? unitCrosswalk(entries, active.id, other.id) : new Map();
  }

  /** Whether the code is a unit of the active pack. */
  isUnit(code: string): boolean {
    return this.active.unitCodes.has(code);
  }

  resolve(text: NormalisedText, input: Pick<ClassifierInput, 'unit' | 'lat' | 'lon' | 'photoPoint'>, masks?: Uint8Array): Resolution {
    const { mentions, pointNotScene } = this.finder.find(text.tokens, masks);
    // The form's point first; a photo's only when the form has none.
    const formPoint = validPoint(input.lat, input.lon);
    const photoPoint = formPoint || !input.photoPoint ? null : validPoint(input.photoPoint.lat, input.photoPoint.lon);
    const point = formPoint ?? photoPoint;
    const decideIn = (pack: ResolverPack): RoutingDecision => {
      const candidates = scoreMentions(mentions, text, pack.id);
      if (!point) return decide(pack.id, candidates);
      const location = pack.gps.locate(point.lat, point.lon);
      return fuseWithGps(pack.id, { ...point, location, marginMetres: pack.gps.marginMetres, pointNotScene, ...(photoPoint && { source: 'photo' as const }) }, candidates);
    };
    const picked = input.unit !== undefined && this.active.unitCodes.has(input.unit) ? input.unit : undefined;
    const routing = picked !== undefined ? explicitDecision(this.active.id, picked) : decideIn(this.active);
    if (!this.other) return { routing, otherGeneration: null };
    if (picked !== undefined) {
      // A unit picked on the form: where that unit lies on the other map.
      const units = this.crosswalk.get(picked) ?? [];
      return { routing, otherGeneration: { pack: this.other.id, unit: units.length === 1 ? (units[0] as string) : null, units, method: 'explicit' } };
    }
    const other = decideIn(this.other);
    return {
      routing,
      otherGeneration: {
        pack: other.pack,
        unit: other.unit,
        units: other.unit !== null ? [other.unit] : other.candidates.map((c) => c.unit),
        method: other.method,
      },
    };
  }
}

/** A pack's runtime parts: its unit codes and its GPS index. */
export function resolverPack(id: PackId, unitCodes: readonly string[], boundaries: ConstructorParameters<typeof GpsIndex>[0], marginMetres: number): ResolverPack {
  return { id, unitCodes: new Set(unitCodes), gps: new GpsIndex(boundaries, { marginMetres }) };
}
