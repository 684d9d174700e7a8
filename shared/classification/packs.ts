/**
 * The heavy part of the packs, for the classifier only: every pack's boundaries and the city's
 * lexicon (built by `npm run build:pack`, bundled as JSON modules, never read from disk at run
 * time).
 */
import boundaries2021 from '../jurisdictions/hcmc-2021/boundaries.json' with { type: 'json' };
import boundaries2025 from '../jurisdictions/hcmc-2025/boundaries.json' with { type: 'json' };
import lexiconFile from '../jurisdictions/hcmc/lexicon.json' with { type: 'json' };
import type { Lexicon, PackBoundaries, PackId } from '../jurisdictions/pack.ts';

/** The city's lexicon, shared by its packs. */
export const lexicon = lexiconFile as Lexicon;

const boundaries = new Map<PackId, PackBoundaries>([
  [boundaries2025.id, boundaries2025 as PackBoundaries],
  [boundaries2021.id, boundaries2021 as PackBoundaries],
]);

/** A pack's boundaries. */
export function packBoundaries(pack: PackId): PackBoundaries {
  const found = boundaries.get(pack);
  if (!found) throw new Error(`No boundaries for pack ${JSON.stringify(pack)}`);
  return found;
}
