/**
 * The optional SMS settings that come from CDK context (`-c smsGatewayOutboundUrl=…`,
 * `-c smsOriginationIdentity=…`): what they change in the functions' environment and in the
 * permission to send of the two functions that reply by SMS (smsAws, and officers replying to a
 * tipster), and which values synth refuses. These apps skip bundling: only templates are read.
 */
import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { environmentNames, functionDefinitions, type FunctionName } from '../../infra/definitions.ts';
import { originationWildcards } from '../../infra/stateless-stack.ts';
import { actionsOf, buildTestApp, logicalIdOf, propertiesOf, resourcesOf, roleStatements, skipBundling, type SynthesizedApp } from './support.ts';

const functionNames = Object.keys(functionDefinitions) as FunctionName[];
/** Reply through the gateway's outbound API: the gateway channel's own replies, and officers' messages to its tipsters. */
const gatewaySenders: readonly FunctionName[] = ['smsGateway', 'officers'];
/** Reply with End User Messaging SendTextMessage: the AWS channel's own replies, and officers' messages to its tipsters. */
const endUserMessagingSenders: readonly FunctionName[] = ['smsAws', 'officers'];
const outboundUrl = 'https://sms-gateway.example.vn/api/v1/messages';
const phoneNumberArn = 'arn:aws:sms-voice:ap-southeast-1:123456789012:phone-number/phone-0123456789abcdef0123456789abcdef';

const built: SynthesizedApp[] = [];
afterAll(() => {
  for (const app of built) app.dispose();
});

function build(context: Record<string, unknown>, nagChecks = false): SynthesizedApp {
  const app = buildTestApp({ nagChecks, context: { ...skipBundling, ...context } });
  built.push(app);
  return app;
}

function variablesOf(app: SynthesizedApp, name: FunctionName): Record<string, unknown> {
  const properties = propertiesOf(Template.fromStack(app.stateless), logicalIdOf(app.stateless.functions[name].function));
  return (properties.Environment as { Variables: Record<string, unknown> }).Variables;
}

/** Where each function may send SMS from; the functions that may not send are left out. */
function sendTextMessageResources(app: SynthesizedApp): Partial<Record<FunctionName, unknown[]>> {
  const template = Template.fromStack(app.stateless);
  const found: Partial<Record<FunctionName, unknown[]>> = {};
  for (const name of functionNames) {
    const statements = roleStatements(template, logicalIdOf(app.stateless.functions[name].role));
    const sending = statements.filter((statement) => actionsOf(statement).includes('sms-voice:SendTextMessage'));
    if (sending.length === 0) continue;
    assert.equal(sending.length, 1, `one statement allows ${name} SendTextMessage`);
    assert.deepEqual(actionsOf(sending[0]!), ['sms-voice:SendTextMessage']);
    found[name] = resourcesOf(sending[0]!);
  }
  return found;
}

/** The same resources for each function that replies through End User Messaging, and none for the others. */
const sendingFrom = (resources: unknown[]) => Object.fromEntries(endUserMessagingSenders.map((name) => [name, resources]));

function acknowledgedRules(app: SynthesizedApp): string[] {
  return app.app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.keys(entry.data as Record<string, string>)),
  );
}

const anyNumberOrPool = originationWildcards.map((resourceType) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sms-voice:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:${resourceType}/*`]],
}));

describe('SMS context settings', () => {
  it('without them: no outbound URL or origination identity variable, and smsAws and officers may send from any phone number or pool', () => {
    const app = build({});
    for (const name of functionNames) {
      const variables = variablesOf(app, name);
      assert.ok(!(environmentNames.smsGatewayOutboundUrl in variables), `${name} has ${environmentNames.smsGatewayOutboundUrl}`);
      assert.ok(!(environmentNames.smsOriginationIdentity in variables), `${name} has ${environmentNames.smsOriginationIdentity}`);
    }
    assert.deepEqual(sendTextMessageResources(app), sendingFrom(anyNumberOrPool));
  });

  it('treats empty values as unset', () => {
    const app = build({ smsGatewayOutboundUrl: '', smsOriginationIdentity: '' });
    assert.ok(!(environmentNames.smsGatewayOutboundUrl in variablesOf(app, 'smsGateway')));
    for (const name of endUserMessagingSenders) assert.ok(!(environmentNames.smsOriginationIdentity in variablesOf(app, name)), name);
    assert.deepEqual(sendTextMessageResources(app), sendingFrom(anyNumberOrPool));
  });

  describe('with an outbound URL and an origination identity ARN', () => {
    const app = build({ smsGatewayOutboundUrl: outboundUrl, smsOriginationIdentity: phoneNumberArn }, true);
    let synthError: unknown;
    try {
      app.app.synth();
    } catch (error) {
      synthError = error;
    }

    it('gives the outbound URL to smsGateway and officers only', () => {
      for (const name of functionNames) {
        const variables = variablesOf(app, name);
        if (gatewaySenders.includes(name)) assert.equal(variables[environmentNames.smsGatewayOutboundUrl], outboundUrl, name);
        else assert.ok(!(environmentNames.smsGatewayOutboundUrl in variables), `${name} has the outbound URL`);
      }
    });

    it('gives the origination identity to smsAws and officers only', () => {
      for (const name of functionNames) {
        const variables = variablesOf(app, name);
        if (endUserMessagingSenders.includes(name)) assert.equal(variables[environmentNames.smsOriginationIdentity], phoneNumberArn, name);
        else assert.ok(!(environmentNames.smsOriginationIdentity in variables), `${name} has the origination identity`);
      }
    });

    it('lets smsAws and officers send from that one identity only', () => {
      assert.deepEqual(sendTextMessageResources(app), sendingFrom([phoneNumberArn]));
    });

    it('passes cdk-nag with no wildcard acknowledgement for sending', () => {
      assert.equal(synthError, undefined, `synth with cdk-nag failed: ${String(synthError)}`);
      assert.deepEqual(acknowledgedRules(app).filter((rule) => rule.includes('sms-voice')), []);
    });
  });

  it('with an origination identity that is an ID, not an ARN: sets the variable and keeps the phone-number and pool wildcards', () => {
    const app = build({ smsOriginationIdentity: 'pool-0123456789abcdef0123456789abcdef' });
    for (const name of endUserMessagingSenders) {
      assert.equal(variablesOf(app, name)[environmentNames.smsOriginationIdentity], 'pool-0123456789abcdef0123456789abcdef', name);
    }
    assert.deepEqual(sendTextMessageResources(app), sendingFrom(anyNumberOrPool));
  });

  for (const [label, context, message] of [
    ['an outbound URL without TLS', { smsGatewayOutboundUrl: 'http://sms-gateway.example.vn/api' }, /must use https/],
    ['an outbound URL that is not a URL', { smsGatewayOutboundUrl: 'sms-gateway.example.vn' }, /not a URL/],
    ['an ARN of another service', { smsOriginationIdentity: 'arn:aws:sns:ap-southeast-1:123456789012:replies' }, /not an End User Messaging SMS resource/],
    ['an ARN of an opt-out list', { smsOriginationIdentity: 'arn:aws:sms-voice:ap-southeast-1:123456789012:opt-out-list/Default' }, /not an End User Messaging SMS resource/],
    ['a number instead of a string', { smsOriginationIdentity: 84900000113 }, /must be a string/],
  ] as const) {
    it(`refuses ${label} at synth`, () => {
      assert.throws(() => build(context), message);
    });
  }
});

describe('Twilio context for officers’ replies', () => {
  const accountSid = `AC${'0123456789abcdef'.repeat(2)}`;

  it('gives the officers function the account and number, the scan the account (to fetch MMS media), and nobody else', () => {
    const app = build({ twilioAccountSid: accountSid, twilioFromNumber: '+15005550006' });
    for (const name of functionNames) {
      const variables = variablesOf(app, name);
      const expectTwilio = name === 'officers';
      assert.equal(variables[environmentNames.twilioAccountSid], expectTwilio || name === 'scan' ? accountSid : undefined, `${name} account`);
      assert.equal(variables[environmentNames.twilioFromNumber], expectTwilio ? '+15005550006' : undefined, `${name} number`);
    }
  });

  it('leaves them out when unset', () => {
    const variables = variablesOf(build({}), 'officers');
    assert.ok(!(environmentNames.twilioAccountSid in variables));
    assert.ok(!(environmentNames.twilioFromNumber in variables));
  });

  it('refuses values that are not an account SID or an E.164 number', () => {
    assert.throws(() => build({ twilioAccountSid: 'not-a-sid' }), /twilioAccountSid/);
    assert.throws(() => build({ twilioFromNumber: '0903123456' }), /twilioFromNumber/);
  });
});
