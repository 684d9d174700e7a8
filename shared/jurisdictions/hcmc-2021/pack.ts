/** The compiled HCMC 2021–2025 pack (built by `npm run build:pack`; bundled, never read at run time). */
import type { JurisdictionPack } from '../pack.ts';
import pack from './pack.json' with { type: 'json' };

export const hcmc2021Pack: JurisdictionPack = pack as JurisdictionPack;
