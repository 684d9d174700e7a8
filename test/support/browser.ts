/**
 * The Chromium the browser tests drive with playwright-core. By default it is the one that
 * `npm install` brings inside the @sparticuz/chromium package (no system browser, no download);
 * set TINBAO_CHROMIUM to the path of another Chromium to use that instead.
 *
 * The packaged binary is unpacked once per run by chromium.setup.ts, which leaves its path in
 * the environment for the test workers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Names a Chromium to use instead of the packaged one. */
export const chromiumOverrideVariable = 'TINBAO_CHROMIUM';
/** Where chromium.setup.ts leaves the path of the unpacked packaged Chromium. */
export const chromiumResolvedVariable = 'TINBAO_CHROMIUM_RESOLVED';

/**
 * Flags for a headless Chromium on a machine whose network reaches nothing but localhost:
 * without the background-networking ones Chromium keeps trying to reach Google's hosts. The
 * console's map (MapLibre GL JS) needs WebGL, which a machine without a GPU gets from SwiftShader
 * (a CPU renderer the packaged Chromium ships): ANGLE on SwiftShader, allowed although Chromium
 * calls it unsafe (it is meant for tests), whatever the GPU blocklist says; so no --disable-gpu.
 */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--font-render-hinting=none',
];

/** The packaged Chromium's own path, unpacked on first use (into the temp folder). */
export async function packagedChromiumPath(): Promise<string> {
  const { default: packaged } = await import('@sparticuz/chromium');
  return packaged.executablePath();
}

/** The Chromium this run uses. */
export async function chromiumPath(): Promise<string> {
  return process.env[chromiumOverrideVariable] || process.env[chromiumResolvedVariable] || (await packagedChromiumPath());
}

/** A Chromium of its own with a fresh profile in a temp folder; closing it removes the profile. */
export async function launchChromium(options: Parameters<typeof chromium.launchPersistentContext>[1] = {}): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'tinbao-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: await chromiumPath(),
    headless: true,
    args: chromiumArgs,
    timeout: 60_000,
    ...options,
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
