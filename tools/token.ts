import { parseArgs } from 'node:util';
import { localOfficerPassword, seededOfficers } from '../infra/local/identity-provider.ts';
import { defaultPackId, jurisdiction, packIds } from '../shared/jurisdictions/index.ts';

const officers = seededOfficers(defaultPackId);
const example = jurisdiction(defaultPackId).exampleUnit;
const seededList = [...officers.slice(0, 3), ...officers.slice(-3)].map((user) => `    ${user.username.padEnd(16)} ${user.groups.join(', ')}`).join('\n');

const usage = `Usage: npm run token -- [--url URL] --user NAME [--password PASSWORD]

Signs a seeded officer in to the local stack's identity provider and prints only their access
token, to call the officer API with:
  curl -H "Authorization: Bearer $(npm run --silent token -- --user officer-${example})" ...
  --url URL            the running local stack (default http://127.0.0.1:3000)
  --user NAME          the officer to sign in as
  --password PASSWORD  (default: the development password, "${localOfficerPassword}")

Seeded officers (one per unit of the map in force, officer-<unit code>) and their groups, for example:
${seededList}`;

let parsed;
try {
  parsed = parseArgs({
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:3000' },
      user: { type: 'string', short: 'u' },
      password: { type: 'string', default: localOfficerPassword },
      help: { type: 'boolean', short: 'h' },
    },
  });
} catch (error) {
  console.error(`${(error as Error).message}\n\n${usage}`);
  process.exit(2);
}
const { values } = parsed;
if (values.help) {
  console.log(usage);
  process.exit(0);
}
if (!values.user) {
  console.error(`Give --user.\n\n${usage}`);
  process.exit(2);
}

let tokenUrl: URL;
try {
  tokenUrl = new URL('/_local/idp/token', values.url);
} catch {
  console.error(`--url must be an address like http://127.0.0.1:3000, not "${values.url}".`);
  process.exit(2);
}

let response: Response;
try {
  response = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: values.user, password: values.password }),
    signal: AbortSignal.timeout(10_000),
  });
} catch (error) {
  const reason = (error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
  console.error(`Could not reach the local stack at ${values.url} (${reason}). Is \`npm start\` running?`);
  process.exit(1);
}

const answer = (await response.json().catch(() => undefined)) as { access_token?: string; message?: string } | undefined;
if (response.status === 404) {
  console.error(`${values.url} has no local identity provider (404 on ${tokenUrl.pathname}). Is it tinbao's \`npm start\`, and up to date?`);
  process.exit(1);
}
if (response.status === 401) {
  if (!packIds.some((pack) => seededOfficers(pack).some((user) => user.username === values.user))) {
    console.error(`No officer "${values.user}" in the local stack. Seeded officers:\n${seededList}`);
  } else {
    console.error(`Wrong password for "${values.user}". The development password is "${localOfficerPassword}" (the default).`);
  }
  process.exit(1);
}
if (!response.ok || typeof answer?.access_token !== 'string') {
  console.error(`The local identity provider refused the sign-in (${response.status}): ${answer?.message ?? 'no explanation'}`);
  process.exit(1);
}
console.log(answer.access_token);
