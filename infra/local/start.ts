import { parseArgs } from 'node:util';
import { defaultPackId, isPackId, jurisdiction, packIds } from '../../shared/jurisdictions/index.ts';
import { JavaMissingError } from './dynamodb-local.ts';
import { startLocalStack } from './stack.ts';

const usage = `Usage: npm start -- [--port PORT] [--local-port PORT] [--s3-port PORT] [--data-dir DIR] [--pack PACK]

Runs tinbao on this machine: DynamoDB Local, SQS and S3 (fauxqs), the HTTP API, the classifier and the scan.
  --port PORT        HTTP port of the API and the citizen pages (default 3000; 0 picks a free one)
  --local-port PORT  port of the local-only pages, never the API's: fake SMS phones, identity
                     provider, stack info for tools (default: the port after --port; 0 with --port 0)
  --s3-port PORT     port of the evidence bucket (the S3 gateway browsers post files to)
                     (default: two after --port; 0 with --port 0)
  --data-dir DIR     keep tips, files and queued messages in DIR across restarts (default: in memory)
  --pack PACK        the map to route to: ${packIds.join(', ')} (default ${defaultPackId})`;

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '3000' },
    'local-port': { type: 'string' },
    's3-port': { type: 'string' },
    'data-dir': { type: 'string' },
    pack: { type: 'string', default: defaultPackId },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const pack = values.pack ?? defaultPackId;
if (!isPackId(pack)) {
  console.error(`--pack must be one of ${packIds.join(', ')}, not "${pack}".\n\n${usage}`);
  process.exit(2);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a whole number from 0 to 65535, not "${values.port}".\n\n${usage}`);
  process.exit(2);
}
const localPort = values['local-port'] === undefined ? (port === 0 ? 0 : port + 1) : Number(values['local-port']);
if (!Number.isInteger(localPort) || localPort < 0 || localPort > 65535 || (localPort === port && port !== 0)) {
  console.error(`--local-port must be a whole number from 0 to 65535 other than --port, not "${values['local-port'] ?? localPort}".\n\n${usage}`);
  process.exit(2);
}
const s3Port = values['s3-port'] === undefined ? (port === 0 ? 0 : port + 2) : Number(values['s3-port']);
if (!Number.isInteger(s3Port) || s3Port < 0 || s3Port > 65535 || (s3Port !== 0 && (s3Port === port || s3Port === localPort))) {
  console.error(`--s3-port must be a whole number from 0 to 65535 other than --port and --local-port, not "${values['s3-port'] ?? s3Port}".\n\n${usage}`);
  process.exit(2);
}

console.log('Starting DynamoDB Local, SQS, S3 and the functions…');
// A failed invocation of the classifier is logged by the local event source as one JSON line
// beside the functions' own: its class, message ids and counts, never a body (sqs-poller.ts).
const stack = await startLocalStack({ port, localPort, s3Port, pack, dataDir: values['data-dir'] }).catch(
  (error: unknown) => {
    if (error instanceof JavaMissingError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  },
);
const example = jurisdiction(stack.pack).exampleUnit;
console.log(`
tinbao is running locally.
  Citizen form (vi):  ${stack.apiUrl}/
  Citizen form (en):  ${stack.apiUrl}/en
  Tip status page:    ${stack.apiUrl}/status
  Officer console:    ${stack.apiUrl}/console/   (e.g. officer-${example}, desk, supervisor; password tinbao-local)
  API:                ${stack.apiUrl}   (citizen: /tips, /tips/status; SMS: /sms/inbound, /sms/twilio; officers: /queue, /tips/{id}/…)
  Local only:         ${stack.localUrl}   (this machine's tools, not the API: /_local/sms, /_local/alerts, /_local/idp, /_local/stack)
  Fake SMS phones:    ${stack.localUrl}/_local/sms
  Urgent alerts:      ${stack.localUrl}/_local/alerts   (what the alert topic sends the on-duty officers)
  Evidence uploads (S3): ${stack.s3Url}   (bucket ${stack.evidenceBucketName}; presigned POSTs from /tips go here)
  Officer token:      npm run --silent token -- --url ${stack.apiUrl} --user officer-${example}
  Repack:             npm run repack -- --url ${stack.localUrl} --from … --to …
  Map:                ${stack.pack}: ${jurisdiction(stack.pack).nameEn}
  DynamoDB Local:     ${stack.dynamoDbEndpoint}   table ${stack.tableName}
  SQS (fauxqs):       ${stack.queues.intakeQueueUrl}
  Data:               ${values['data-dir'] ? `kept in ${values['data-dir']}` : 'in memory (use --data-dir to keep it)'}
Press Ctrl-C to stop.`);

let stopping = false;
const shutdown = async (reason: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${reason}: stopping…`);
  // Whatever happens while stopping, the process ends, and DynamoDB Local's JVM ends with it.
  setTimeout(() => process.exit(0), 10_000).unref();
  await stack.stop().catch(() => undefined);
  process.exit(0);
};
// Ctrl-C, an IDE's stop button (SIGTERM) and a closed terminal (SIGHUP) all stop every child.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(signal));
// npm does not pass every signal on: when the process that started this one goes away
// (npm killed, a terminal closed), this process is re-parented, and stops too.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void shutdown('parent process gone');
}, 500).unref();
