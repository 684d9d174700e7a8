import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { localSecrets } from '../infra/local/stack.ts';
import { gatewaySignatureHeadersFor } from '../shared/sms/webhook-signature.ts';

const usage = `Usage: npm run sms -- [--url URL] [--message-id ID] [--to NUMBER] --from PHONE "message text"

Sends an SMS to tinbao the way a Vietnamese SMS gateway does: a JSON POST to /sms/inbound,
signed with the gateway secret (the local stack's development secret unless SMS_GATEWAY_SECRET
is set), then prints the reply tinbao texted back. Sending the same --message-id again is a
gateway retry: the same reply, the same tracking code, no second tip.
  --url URL          tinbao's address (default http://127.0.0.1:3000)
  --message-id ID    the gateway's message id (default: a new random one)
  --to NUMBER        the short code the tipster texted (default 113)
  --from PHONE       the tipster's number, e.g. 0903123456`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:3000' },
    'message-id': { type: 'string' },
    to: { type: 'string', default: '113' },
    from: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const text = positionals.join(' ');
if (!values.from || text === '') {
  console.error(`Give --from and the message text.\n\n${usage}`);
  process.exit(2);
}

const body = JSON.stringify({ messageId: values['message-id'] ?? randomUUID(), from: values.from, to: values.to, text, receivedAt: new Date().toISOString() });
const secret = process.env.SMS_GATEWAY_SECRET ?? localSecrets.smsGatewaySecret;
let response: Response;
try {
  response = await fetch(new URL('/sms/inbound', values.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...gatewaySignatureHeadersFor(secret, body) },
    body,
  });
} catch (error) {
  console.error(`Could not reach ${values.url}: ${(error as Error).message}. Is \`npm start\` running?`);
  process.exit(1);
}
const answer = (await response.json().catch(() => ({}))) as { reply?: string | null; status?: string; message?: string; issues?: Array<{ field: string; message: string }> };
if (!response.ok) {
  const details = answer.issues?.map((issue) => `  ${issue.field}: ${issue.message}`).join('\n');
  console.error(`tinbao refused the message (${response.status}): ${answer.message ?? ''}${details ? `\n${details}` : ''}`);
  process.exit(1);
}
console.log(answer.reply ?? '(no reply: this number has opted out with HUY)');
