// The native packages the scan function needs on Lambda (arm64, glibc), which npm skips on any
// other machine: sharp's linux-arm64 binding and its libvips. Plain JavaScript on purpose: `install`
// is the root postinstall, which npm may run on any Node.js it has (20 or later), before anything
// of the project can be loaded.
//
//   node tools/lambda-natives.mjs install          fetch them at the lock file's versions (postinstall)
//   node tools/lambda-natives.mjs copy <asset dir> [<natives dir>]
//       copy sharp, its runtime dependencies and them into a bundled asset's node_modules (the
//       scan's afterBundling hook: infra/constructs/native-bundling.ts)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const nodeModules = join(root, 'node_modules');

/** Where `install` puts the natives: a node_modules folder of their own, which no resolution from the project reaches. */
const nativesDirectory = join(nodeModules, '.lambda-natives', 'linux-arm64', 'node_modules');

/** sharp's packages for Lambda's platform: the binding and the libvips it links. */
const nativePackages = ['@img/sharp-linux-arm64', '@img/sharp-libvips-linux-arm64'];

class NativesError extends Error {}

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** The version and integrity package-lock.json records for a package (as an optional dependency of another platform). */
function locked(name) {
  const lock = readJson(join(root, 'package-lock.json'));
  const entry = lock.packages?.[`node_modules/${name}`];
  if (!entry?.version || !entry.integrity) throw new NativesError(`package-lock.json records no version and integrity for ${name}`);
  return { version: entry.version, integrity: entry.integrity };
}

const installedVersion = (directory) => (existsSync(join(directory, 'package.json')) ? readJson(join(directory, 'package.json')).version : undefined);

/** Runs npm: the npm that runs this postinstall when there is one, else the one on the PATH. */
function npm(args, cwd) {
  const cli = process.env.npm_execpath;
  const result =
    cli && /\.c?js$/.test(cli)
      ? spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' })
      : spawnSync('npm', args, { cwd, encoding: 'utf8', shell: process.platform === 'win32' });
  if (result.status !== 0) throw new NativesError(`npm ${args.join(' ')} failed: ${(result.stderr || String(result.error ?? '')).trim().split('\n').at(-1)}`);
  return result.stdout;
}

/** Whether a file's bytes match an SRI integrity string of the lock file (any of its sha512 hashes). */
function matchesIntegrity(bytes, integrity) {
  const digest = `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
  return integrity.split(/\s+/).some((hash) => hash === digest);
}

const text = (block, start, length) => block.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
const octal = (block, start, length) => parseInt(text(block, start, length).trim() || '0', 8);

/**
 * Extracts an npm tarball (gzipped ustar, with pax or GNU long names) into `directory`, without
 * its leading `package/` folder. npm tarballs hold files and folders only: anything else, or a
 * path that would leave the folder, is refused.
 */
function extractTarball(gzipped, directory) {
  const archive = gunzipSync(gzipped);
  let offset = 0;
  let longName;
  while (offset + 512 <= archive.length) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] || 48);
    const data = archive.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      const path = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'))?.[1];
      if (path) longName = path;
      continue;
    }
    if (type === 'L') {
      longName = data.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    if (type === 'g') continue;
    const prefix = text(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    longName = undefined;
    const relative = normalize(name.replace(/^[^/]+\//, ''));
    if (relative.startsWith('..') || relative.startsWith(sep) || /^[a-z]:/i.test(relative)) throw new NativesError(`the tarball holds a path outside its package: ${name}`);
    const target = join(directory, relative);
    if (type === '5') {
      mkdirSync(target, { recursive: true });
    } else if (type === '0' || type === '7') {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, data, { mode: octal(header, 100, 8) & 0o777 || 0o644 });
    } else {
      throw new NativesError(`the tarball holds an entry of type ${JSON.stringify(type)} (${name}), which npm packages do not`);
    }
  }
}

/** Fetches each native package at its locked version, checks it against the lock file, and unpacks it; present ones are left alone. */
function install() {
  for (const name of nativePackages) {
    const { version, integrity } = locked(name);
    const target = join(nativesDirectory, name);
    if (installedVersion(target) === version) continue;
    const scratch = mkdtempSync(join(tmpdir(), 'tinbao-natives-'));
    try {
      const [packed] = JSON.parse(npm(['pack', `${name}@${version}`, '--pack-destination', scratch, '--json', '--silent'], scratch));
      const tarball = readFileSync(join(scratch, packed.filename.replace(/^@/, '').replace(/\//g, '-')));
      if (!matchesIntegrity(tarball, integrity)) throw new NativesError(`${name}@${version} from the registry does not match the integrity package-lock.json records`);
      const unpacked = join(scratch, 'package');
      extractTarball(tarball, unpacked);
      if (installedVersion(unpacked) !== version) throw new NativesError(`the tarball of ${name}@${version} holds another version`);
      rmSync(target, { recursive: true, force: true });
      mkdirSync(dirname(target), { recursive: true });
      renameSync(unpacked, target);
      console.error(`lambda natives: ${name}@${version} for the scan function (linux-arm64)`);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
}

/** The folder of package `name` as Node would resolve it from `fromDirectory` (nested node_modules first, then up). */
function packageDirectory(name, fromDirectory) {
  for (let directory = fromDirectory; ; directory = dirname(directory)) {
    const candidate = join(directory, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(directory) === directory || directory === root) break;
  }
  const hoisted = join(nodeModules, name);
  if (existsSync(join(hoisted, 'package.json'))) return hoisted;
  throw new NativesError(`${name} is not installed: run npm install`);
}

/**
 * Copies sharp, its runtime dependencies (and theirs), and the two native packages into
 * `<asset>/node_modules`, where the bundle's `import 'sharp'` finds them on Lambda. A dependency
 * already copied at another version goes into the dependent's own node_modules.
 */
function copy(asset, natives = nativesDirectory) {
  if (!asset) throw new NativesError('usage: node tools/lambda-natives.mjs copy <asset directory> [<natives directory>]');
  const missing = nativePackages.filter((name) => !existsSync(join(natives, name, 'package.json')));
  if (missing.length > 0) throw new NativesError(`the scan function needs ${missing.join(' and ')} in ${natives}: run npm run postinstall`);
  const target = join(asset, 'node_modules');
  const copied = new Map();
  const copyPackage = (name, source, destination) => {
    const version = installedVersion(source);
    if (copied.has(destination)) return;
    cpSync(source, destination, { recursive: true, dereference: true, filter: (path) => !path.slice(source.length).split(sep).includes('node_modules') });
    copied.set(destination, version);
    for (const dependency of Object.keys(readJson(join(source, 'package.json')).dependencies ?? {})) {
      const from = packageDirectory(dependency, source);
      const flat = join(target, dependency);
      const sameAsFlat = !copied.has(flat) || copied.get(flat) === installedVersion(from);
      copyPackage(dependency, from, sameAsFlat ? flat : join(destination, 'node_modules', dependency));
    }
  };
  const sharp = packageDirectory('sharp', root);
  copyPackage('sharp', sharp, join(target, 'sharp'));
  const wanted = readJson(join(sharp, 'package.json')).optionalDependencies ?? {};
  for (const name of nativePackages) {
    const source = join(natives, name);
    if (wanted[name] !== undefined && installedVersion(source) !== wanted[name]) {
      throw new NativesError(`sharp ${installedVersion(sharp)} wants ${name}@${wanted[name]}, node_modules/.lambda-natives has ${installedVersion(source)}: run npm run postinstall`);
    }
    cpSync(source, join(target, name), { recursive: true, dereference: true });
  }
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'install' || command === 'copy') {
  try {
    if (command === 'install') install();
    else copy(rest[0], rest[1]);
  } catch (error) {
    if (!(error instanceof NativesError)) throw error;
    console.error(`lambda natives: ${error.message}`);
    process.exit(1);
  }
}
