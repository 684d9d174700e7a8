/**
 * Vitest global setup of the browser tests: unpacks the packaged Chromium once per run (test
 * files running side by side would otherwise race to unpack the same file) and leaves its path
 * for the workers. A Chromium named by TINBAO_CHROMIUM is used as it is.
 */
import { chromiumOverrideVariable, chromiumResolvedVariable, packagedChromiumPath } from './browser.ts';

export default async function setup(): Promise<void> {
  if (process.env[chromiumOverrideVariable]) return;
  process.env[chromiumResolvedVariable] = await packagedChromiumPath();
}
