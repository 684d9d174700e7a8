/**
 * Jurisdiction packs: what the routing engine knows about one map of routing units, as data.
 *
 * A pack is one generation of the city's map: its units (codes, names, a label point), their
 * boundaries, and how every place name of the city's lexicon resolves into those units. The
 * lexicon is shared: the same written forms ("phường 5, quận 3", "Thủ Dầu Một", "chợ Bến Thành")
 * resolve into the 22 districts of 2021 in one pack and into the 168 wards and communes of 2025
 * in the other, so one reading of a tip gives both generations. `tools/build-pack.ts` compiles
 * everything from `data/hcmc/` and the hand-curated gazetteer in `shared/jurisdictions/hcmc/`;
 * the engine only reads it, so the next map change is another pack, not new code.
 */

/** A pack's id, such as `hcmc-2025`. */
export type PackId = string;

/** The pseudo-unit of places outside every unit of a pack (another province, abroad). */
export const OUTSIDE = 'outside';

/** One routing unit of a pack. */
export interface PackUnit {
  readonly code: string;
  /** Full official name with its type: "Phường Bàn Cờ", "Quận 3", "Đặc khu Côn Đảo". */
  readonly name: string;
  readonly nameEn: string;
  /** Phường, Xã, Đặc khu, Quận, Huyện, Thành phố. */
  readonly type: string;
  /** Where people looked for it before (a former district or province), to group long lists. */
  readonly group: string;
  /** A point well inside the unit (its pole of inaccessibility), [lon, lat]: for map labels. */
  readonly label: readonly [number, number];
}

/** A pack's units: small, so every function that shows unit names may bundle it. */
export interface UnitList {
  readonly id: PackId;
  /** Vietnamese and English titles of the map. */
  readonly name: string;
  readonly nameEn: string;
  readonly validFrom: string;
  /** Empty while the map is in force. */
  readonly validTo: string;
  /** The pack of the other generation, whose units every tip also gets. */
  readonly otherGeneration: PackId;
  /** What its units are: communes (wards, communes, the special zone) or districts. */
  readonly level: 'commune' | 'district';
  /** The unit the local stack gives a second officer and the docs use in examples. */
  readonly exampleUnit: string;
  /** [minLon, minLat, maxLon, maxLat] of all units. */
  readonly bounds: readonly [number, number, number, number];
  readonly attribution: readonly string[];
  readonly units: readonly PackUnit[];
}

/**
 * A unit's boundary: polygons, each a list of rings (outer first, then holes), each ring a flat
 * [lon, lat, lon, lat, …] list in WGS 84.
 */
export interface PackBoundary {
  readonly code: string;
  readonly polygons: readonly (readonly (readonly number[])[])[];
}

/** A pack's boundaries, for the classifier and the console's map. */
export interface PackBoundaries {
  readonly id: PackId;
  /** How far a simplified boundary may lie from the source polygon (metres). */
  readonly toleranceMetres: number;
  /**
   * Within this distance of a boundary a GPS point is "near" it: the polygons' own error plus
   * the simplification and a phone's GPS. The text may then confirm or override the point.
   */
  readonly borderMarginMetres: number;
  readonly boundaries: readonly PackBoundary[];
}

/** What kind of place a lexicon entry names. */
export type PlaceLevel =
  /** A ward, commune, township or special zone (any generation). */
  | 'commune'
  /** A district-level unit: quận, huyện, thành phố, thị xã (before July 2025). */
  | 'district'
  /** A province (Bình Dương, Bà Rịa–Vũng Tàu before July 2025). */
  | 'province'
  /** A point-like place: market, bridge, hospital, junction. */
  | 'landmark'
  /** A neighbourhood or zone, or a river or canal. */
  | 'area'
  /** A street. */
  | 'street';

/** How an abbreviation may be used in text. */
export type AbbreviationKind =
  /** Standalone when written in capitals ("GV", "PN"), or after a type word or a ward. */
  | 'abbr'
  /** Distinctive enough in any case ("BTân", "TPTĐ"). */
  | 'abbr-safe'
  /** Only after a type word ("huyện BC", "TP TĐ"). */
  | 'abbr-prefixed';

/** One entry of the city's lexicon. */
export interface LexiconEntry {
  readonly id: number;
  readonly level: PlaceLevel;
  /** The type word of a commune or district ("Phường", "Xã", "Thị trấn", "Quận", …). */
  readonly type?: string;
  /** Display name without the type: "Bàn Cờ", "5", "Thủ Dầu Một". */
  readonly name: string;
  /** Written forms; diacritics, case and punctuation never decide a match. */
  readonly forms: readonly string[];
  /**
   * Each form's tokens as the engine folds them, space-separated (`foldedPhrase` in
   * shared/classification/vietnamese-text.ts), written by `npm run build:pack` so that a cold
   * start inserts 4,000 forms into the tries without folding them. Entries made by hand (tests)
   * may leave it out; the engine then folds the forms itself.
   */
  readonly folded?: readonly string[];
  readonly abbreviations?: readonly { readonly text: string; readonly kind: AbbreviationKind }[];
  /** `current` for the map in force (2025), `former` for names of earlier maps. */
  readonly generation: 'current' | 'former';
  /** For communes: the district entries they lay in (a former district too: Quận 9 for Trường Thạnh). */
  readonly parents?: readonly number[];
  /** Counts only after a type word: a number ("phường 5"), or a name that is also a common word. */
  readonly keywordOnly?: boolean;
  /** For streets: counts only after "đường"/"street", being a common word or another place's name. */
  readonly needsKeyword?: boolean;
  /** The units of each pack the place lies in or covers ({@link OUTSIDE} for none). */
  readonly units: Readonly<Record<PackId, readonly string[]>>;
}

/** The city's lexicon, shared by its packs. */
export interface Lexicon {
  readonly packs: readonly PackId[];
  readonly attribution: readonly string[];
  readonly entries: readonly LexiconEntry[];
}
