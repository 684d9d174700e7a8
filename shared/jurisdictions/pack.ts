/**
 * A jurisdiction pack: everything the routing engine knows about one set of routing units, as
 * data. Units with their names and aliases, their wards, their boundary polygons, and a
 * gazetteer of streets and landmarks. `tools/build-pack.ts` compiles it from the source files;
 * the engine only reads it, so a new period (or a new city) is a new pack, not new code.
 */

/** How an alias of a unit may be used in text. */
export type AliasKind =
  /** A unit number ("1" for Quận 1): only after a unit keyword ("quận 1", "Q1", "District 1"). */
  | 'number'
  /** A proper name that stands alone ("Bình Thạnh", "Gò Vấp", "Thủ Đức"). */
  | 'name'
  /** An abbreviation safe standalone when written in capitals ("GV", "PN") or after a keyword. */
  | 'abbr'
  /** An abbreviation distinctive enough in any case ("BTan", "TPTĐ"). */
  | 'abbr-safe'
  /** An abbreviation that only counts after a unit keyword ("huyện BC", "TP TĐ"). */
  | 'abbr-prefixed';

/** One way of writing a unit's name. */
export interface PackAlias {
  readonly text: string;
  readonly kind: AliasKind;
  /** True for a former unit merged into this one (Quận 2, Quận 9, Quận Thủ Đức → 769). */
  readonly former?: boolean;
}

/** A ward, commune or township inside a unit. */
export interface PackWard {
  readonly code: string;
  /** Name without its type: "Tân Định", "15", "Củ Chi". */
  readonly name: string;
  /** Phường, Xã or Thị trấn. */
  readonly type: string;
}

/** A routing unit with what text may call it and what lies inside it. */
export interface PackUnit {
  readonly code: string;
  readonly name: string;
  readonly nameEn: string;
  readonly type: string;
  /** The code of the enclosing unit (the province). */
  readonly parent: string;
  readonly aliases: readonly PackAlias[];
  readonly wards: readonly PackWard[];
}

/** What kind of place a gazetteer entry is; it decides how much a mention of it weighs. */
export type PlaceKind = 'street' | 'landmark' | 'area';

/** The pseudo-unit of places outside every unit of the pack (another province, abroad). */
export const OUTSIDE = 'outside';

/**
 * A gazetteer entry: the ways of writing one place and the units it lies in. One unit makes it
 * evidence; two make it a choice other evidence must settle; more only confirm other evidence.
 * {@link OUTSIDE} among the units says the place lies (partly) outside the pack's area.
 */
export interface PackPlace {
  readonly forms: readonly string[];
  readonly kind: PlaceKind;
  readonly units: readonly string[];
  /** The name is also a common word or another place's name: it counts only after "đường"/"street". */
  readonly needsKeyword?: boolean;
}

/**
 * A unit's boundary: polygons, each a list of rings (outer first, then holes), each ring a flat
 * [lon, lat, lon, lat, …] list in WGS 84.
 */
export interface PackBoundary {
  readonly code: string;
  readonly polygons: readonly (readonly (readonly number[])[])[];
}

/** A compiled jurisdiction pack. */
export interface JurisdictionPack {
  readonly id: string;
  readonly name: string;
  readonly validFrom: string;
  readonly validTo: string;
  /** Where the data comes from and under which licence. */
  readonly attribution: readonly string[];
  readonly units: readonly PackUnit[];
  readonly boundaries: readonly PackBoundary[];
  readonly places: readonly PackPlace[];
  /** Ward names that count only after a ward keyword ("phường X"), being common words or other places' names. */
  readonly keywordOnlyWards: readonly string[];
}
