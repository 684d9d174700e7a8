/**
 * A resource's CloudFormation logical ID is its identity: when it changes, CloudFormation makes a
 * new resource and deletes the old one. For these resources that would lose data or break what
 * others hold on to (the tables, queues and evidence bucket, the keys, the secrets, the officers' accounts, the API
 * URL the SMS providers call, the site's address, the console's client id, the alarm topic the duty
 * team subscribed to, the functions' log groups), so refactoring the stacks must keep them. A
 * change here is a migration to plan, never a rename to accept.
 */
import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import type { IConstruct } from 'constructs';
import { functionDefinitions, type FunctionName } from '../../infra/definitions.ts';
import { logicalIdOf, resourcesOfType, skipBundling, synthesizeTemplates, testStage } from './support.ts';

const synthesized = synthesizeTemplates({ context: skipBundling });
afterAll(() => synthesized.dispose());
const { stateful, stateless, statelessTemplate } = synthesized;

const statefulIds: [string, IConstruct, string][] = [
  ['the data key', stateful.key, 'DataKey17AFBB84'],
  ['the phone key', stateful.phoneKey, 'PhoneKey053706E2'],
  ['the tips table', stateful.table, 'TipTable0106C27A'],
  ['the idempotency table', stateful.idempotencyTable, 'IdempotencyTable22A5A209'],
  ['the intake queue', stateful.intakeQueue, 'IntakeQueue4D8B07A5'],
  ['the intake DLQ', stateful.deadLetterQueue, 'IntakeDeadLetterQueue904D409C'],
  ['the SMS inbound queue', stateful.smsInboundQueue, 'SmsInboundQueue105FA9EE'],
  ['the SMS inbound DLQ', stateful.smsInboundDeadLetterQueue, 'SmsInboundDeadLetterQueue1C01D9BE'],
  ['the SMS inbound topic', stateful.smsInboundTopic, 'SmsInboundTopic449931EE'],
  ['the attachment scan queue', stateful.attachmentScanQueue, 'AttachmentScanQueueF34332D9'],
  ['the attachment scan DLQ', stateful.attachmentScanDeadLetterQueue, 'AttachmentScanDeadLetterQueueF7B46C1C'],
  ['the evidence bucket (its files; its name is fixed too)', stateful.evidenceBucket, 'EvidenceBucketFBA44255'],
  ['the evidence key (it seals every original)', stateful.evidenceKey, 'EvidenceKey167D8F4D'],
  ['the evidence handler role (the ARN handlers assume)', stateful.evidenceHandlerRole, 'EvidenceHandlerRole94C3DD14'],
  ['the tracking pepper', stateful.trackingPepper, 'TrackingPepper025496C8'],
  ['the SMS gateway secret', stateful.smsGatewaySecret, 'SmsGatewaySecret75297CF9'],
  ['the Twilio auth token', stateful.twilioAuthToken, 'TwilioAuthTokenF995AA06'],
  ["the officers' user pool", stateful.officerPool.userPool, 'OfficersUserPool88AEF8E7'],
  ['the hosted sign-in domain', stateful.officerPool.domain, 'OfficersUserPoolDomainDE9745F8'],
  ['the urgent-alert topic (its subscriptions: the units\' duty phones)', stateful.alertTopic, 'UrgentAlertTopicF06DBD28'],
  ['the stream failure queue', stateful.tipStreamFailureQueue, 'TipStreamFailureQueue91F4451D'],
];

const statelessIds: [string, IConstruct, string][] = [
  ['the HTTP API (its URL is the SMS webhooks\')', stateless.httpApi, 'HttpApiF5A9A8A7'],
  ['the default stage', stateless.apiStage, 'DefaultStageEE28A986'],
  ['the API access logs', stateless.node.findChild('ApiAccessLogs'), 'ApiAccessLogsE9DF007D'],
  ["the distribution (the site's address)", stateless.web.distribution, 'WebDistributionCF3E234B'],
  ['the site bucket', stateless.web.bucket, 'WebSiteBucket1E6F6F45'],
  ['the access log bucket', stateless.web.logBucket, 'WebLogBucket8A1510ED'],
  ["the console's app client (officers' sessions)", stateless.consoleClient, 'ConsoleClient4D43B885'],
  ['the alarm topic (its subscriptions)', stateless.alarmTopic, 'AlarmTopicD01E77F9'],
  ['the DLQ alarm', stateless.deadLetterAlarm, 'DeadLetterQueueAlarm48D9D867'],
  ['the intake backlog alarm', stateless.oldestMessageAlarm, 'IntakeBacklogAlarmEAA7DBFF'],
  ['the SMS DLQ alarm', stateless.smsDeadLetterAlarm, 'SmsDeadLetterQueueAlarm9B001713'],
  ['the SMS backlog alarm', stateless.smsOldestMessageAlarm, 'SmsInboundBacklogAlarmC433262E'],
  ['the scan DLQ alarm', stateless.scanDeadLetterAlarm, 'AttachmentScanDeadLetterQueueAlarm75FF7113'],
  ['the scan backlog alarm', stateless.scanOldestMessageAlarm, 'AttachmentScanBacklogAlarm6881FFAC'],
  ['the stream failure alarm', stateless.tipStreamFailureAlarm, 'TipStreamFailureAlarm819C3DCD'],
];

const functionIds: Record<FunctionName, { function: string; role: string; logGroup: string }> = {
  intake: { function: 'IntakeFunction7BE986CE', role: 'IntakeFunctionRoleAAC2BB38', logGroup: 'IntakeFunctionLogGroup379766BB' },
  status: { function: 'StatusFunctionC21CFFFA', role: 'StatusFunctionRole28351999', logGroup: 'StatusFunctionLogGroupA182F858' },
  classifier: { function: 'ClassifierFunctionEFCE2037', role: 'ClassifierFunctionRole81D922E0', logGroup: 'ClassifierFunctionLogGroup3D84B608' },
  smsGateway: { function: 'SmsGatewayFunction11380A42', role: 'SmsGatewayFunctionRoleA4D12AAF', logGroup: 'SmsGatewayFunctionLogGroup29DF4F58' },
  smsTwilio: { function: 'SmsTwilioFunction2D2B0550', role: 'SmsTwilioFunctionRole4D6C20BA', logGroup: 'SmsTwilioFunctionLogGroupD80E7534' },
  smsAws: { function: 'SmsAwsFunction4C927066', role: 'SmsAwsFunctionRoleAB4B57CE', logGroup: 'SmsAwsFunctionLogGroupF17BDB49' },
  officers: { function: 'OfficersFunction9CF56123', role: 'OfficersFunctionRole2A857AAC', logGroup: 'OfficersFunctionLogGroupF3B7B4F9' },
  scan: { function: 'ScanFunctionB8421F36', role: 'ScanFunctionRole03670CCD', logGroup: 'ScanFunctionLogGroup03F9C2E5' },
  tipStream: { function: 'TipStreamFunctionA0AFE263', role: 'TipStreamFunctionRole1C9D2701', logGroup: 'TipStreamFunctionLogGroupA46D07A4' },
};

describe('logical IDs', () => {
  for (const [stack, ids] of [['stateful', statefulIds], ['stateless', statelessIds]] as const) {
    it(`keep the identity of the ${stack} stack's long-lived resources`, () => {
      for (const [what, construct, expected] of ids) assert.equal(logicalIdOf(construct), expected, what);
    });
  }

  it('keep the identity of every function, its role and its log group', () => {
    assert.deepEqual(Object.keys(functionIds).sort(), Object.keys(functionDefinitions).sort());
    for (const [name, expected] of Object.entries(functionIds) as [FunctionName, (typeof functionIds)[FunctionName]][]) {
      const made = stateless.functions[name];
      assert.deepEqual({ function: logicalIdOf(made.function), role: logicalIdOf(made.role), logGroup: logicalIdOf(made.logGroup) }, expected, name);
    }
  });

  it('keep the identity of the three event source mappings (a new one would deliver the queue twice while both exist)', () => {
    assert.equal(testStage, 'test', 'the mappings are named after the queue, whose path carries the stage');
    const mappings = resourcesOfType(statelessTemplate, 'AWS::Lambda::EventSourceMapping');
    const expected = {
      classifier: 'ClassifierFunctionSqsEventSourceTinbaotestStatefulIntakeQueue84672C8E8DAC4448',
      smsAws: 'SmsAwsFunctionSqsEventSourceTinbaotestStatefulSmsInboundQueueF0843E0CA838A7BF',
      scan: 'ScanFunctionSqsEventSourceTinbaotestStatefulAttachmentScanQueue93932A5C59B98154',
    } as const;
    for (const [name, id] of Object.entries(expected) as [FunctionName, string][]) {
      assert.deepEqual(mappings[id]?.Properties?.FunctionName, { Ref: functionIds[name].function }, `${name}'s mapping is not ${id}`);
    }
  });
});
