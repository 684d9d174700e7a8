import { consoleLabels } from '../shared/labels.ts';
import type { PackId } from '../shared/jurisdictions/pack.ts';

/**
 * What the console's config.json says in the cloud and locally alike: the deployment's pack and
 * the names of the domain's codes from shared/labels.ts, so the console restates no label.
 * Each side adds only its own sign-in and API settings.
 */
export function consoleSettings(pack: PackId, mapStyleUrl?: string): Readonly<Record<string, unknown>> {
  return { pack, labels: consoleLabels(), ...(mapStyleUrl !== undefined && { mapStyleUrl }) };
}
