/**
 * Where a photo was taken, as a routing signal: a point from its EXIF GPS counts only within the
 * city, the same box the form's point must lie in (a holiday photo from elsewhere says nothing
 * about where the tip belongs).
 */
import type { Jurisdiction } from '../jurisdictions/index.ts';
import { cityBounds } from '../tip/submission.ts';
import type { PhotoLocation } from './attachment.ts';

/** Whether the point is a real coordinate within the pack's city bounds. */
export function photoLocationWithinCity(point: PhotoLocation | undefined, jurisdiction: Pick<Jurisdiction, 'bounds'>): point is PhotoLocation {
  if (!point || !Number.isFinite(point.lat) || !Number.isFinite(point.lon)) return false;
  const bounds = cityBounds(jurisdiction);
  return point.lat >= bounds.minLat && point.lat <= bounds.maxLat && point.lon >= bounds.minLon && point.lon <= bounds.maxLon;
}
