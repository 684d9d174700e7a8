/**
 * `npm run repack -- --from hcmc-2021 --to hcmc-2025`: moves the open tips of one map to the
 * units of another (shared/usecases/repack.ts), once, and prints what it did. Locally it asks the
 * running `npm start` for its table and DynamoDB Local (`--url`); in the cloud run it with the
 * deployment's credentials and `--table`, once, after deploying with `-c pack=<to>`. A second run
 * changes nothing.
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '../functions/adapters/dynamo-tip-items.ts';
import { createDynamoTipRepository } from '../functions/adapters/dynamo-tip-store.ts';
import { localCredentials, localRegion, localStackInfoPath } from '../infra/local/ports.ts';
import { sharedSettings } from '../infra/definitions.ts';
import { unitCrosswalk } from '../shared/classification/crosswalk.ts';
import { classifierFor } from '../shared/classification/engine.ts';
import { lexicon } from '../shared/classification/packs.ts';
import { isPackId, packIds } from '../shared/jurisdictions/index.ts';
import { systemClock } from '../shared/ports.ts';
import { repackOpenTips } from '../shared/usecases/repack.ts';
import { ulidGenerator } from '../functions/adapters/ids.ts';

const usage = `Usage: npm run repack -- --from PACK --to PACK [--url URL | --table NAME [--endpoint URL] [--region REGION]]

Moves every open tip of one map (pack) to the units of another: each is read again from its
text, point and old unit; one that resolves to one unit goes to its queue, any other to the
city desk with its candidates. Register numbers, statuses and deadlines are kept; every move is
audited; closed tips stay as they are. Packs: ${packIds.join(', ')}.
  --url URL        the running local stack's local-only address (default http://127.0.0.1:3001), when --table is not given
  --table NAME     the tips table, in the cloud (the stateful stack's TipsTable)
  --endpoint URL   a DynamoDB endpoint other than AWS's, with --table
  --region REGION  AWS region, with --table (default: AWS_REGION, else ${localRegion})`;

function fail(message: string): never {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
}

function parse() {
  try {
    return parseArgs({
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        url: { type: 'string', default: 'http://127.0.0.1:3001' },
        table: { type: 'string', default: process.env.TABLE_NAME || undefined },
        endpoint: { type: 'string', default: process.env.AWS_ENDPOINT_URL_DYNAMODB || undefined },
        region: { type: 'string', default: process.env.AWS_REGION ?? localRegion },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    return fail((error as Error).message);
  }
}
const values = parse();
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const { from, to } = values;
if (!from || !to) fail('--from and --to are required');
if (!isPackId(from) || !isPackId(to)) fail(`--from and --to must be packs: ${packIds.join(', ')}`);
if (from === to) fail('--from and --to must be different packs');

/** Where the tips are: the table given, or the running local stack's. */
async function target(): Promise<{ table: string; endpoint?: string | undefined; region: string; local: boolean }> {
  if (values.table) return { table: values.table, endpoint: values.endpoint, region: values.region, local: false };
  let info: { pack?: string; tableName?: string; dynamoDbEndpoint?: string };
  try {
    const response = await fetch(new URL(localStackInfoPath, values.url));
    if (!response.ok) fail(`${values.url} is not tinbao's local stack (${response.status} on ${localStackInfoPath}); give --table for a deployment`);
    info = (await response.json()) as typeof info;
  } catch (error) {
    fail(`Could not reach the local stack at ${values.url} (${(error as Error).message}). Start it with npm start, or give --table for a deployment`);
  }
  if (!info.tableName || !info.dynamoDbEndpoint) fail(`${values.url} did not name its table and DynamoDB endpoint`);
  if (info.pack !== to) {
    console.error(`Note: the local stack at ${values.url} runs ${info.pack}; restart it with --pack ${to} for officers to see the moved tips.`);
  }
  return { table: info.tableName, endpoint: info.dynamoDbEndpoint, region: localRegion, local: true };
}

const { table, endpoint, region, local } = await target();
const client = new DynamoDBClient({ region, ...(endpoint && { endpoint }), ...((local || endpoint) && { credentials: localCredentials }) });
try {
  const report = await repackOpenTips(from, {
    tips: createDynamoTipRepository(createDocumentClient(client), table, Number(sharedSettings.TIP_RETENTION_DAYS)),
    classifier: classifierFor(to),
    crosswalk: unitCrosswalk(lexicon.entries, from, to),
    clock: systemClock,
    ids: ulidGenerator,
  });
  console.log(
    `${report.from} → ${report.to}: ${report.seen} open tips, ${report.toUnit} moved to a unit, ${report.toDesk} to the city desk with candidates` +
      (report.skipped > 0 ? `, ${report.skipped} changed meanwhile (run again)` : ''),
  );
} finally {
  client.destroy();
}
