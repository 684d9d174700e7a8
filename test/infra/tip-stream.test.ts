/**
 * The tips' changes and urgent alerts in the CDK app: the table's stream, the tipStream
 * consumer's mapping (partial batch responses, bisection, bounded retries, the tips-only filter,
 * its failure destination), the alert topic under the data key with each subscription filtered
 * on its unit, and the alarm on the failure queue.
 */
import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { alertSubscriptionsFrom } from '../../infra/constructs/urgent-alerts.ts';
import { alarmThresholds, alertTopic, environmentNames, tipStreamEventSource, tipTable } from '../../infra/definitions.ts';
import { cityDeskQueue, defaultPackId, jurisdiction } from '../../shared/jurisdictions/index.ts';
import { arnOf, exportedValue, logicalIdOf, propertiesOf, resourcesOfType, skipBundling, synthesizeTemplates } from './support.ts';

const unit = jurisdiction(defaultPackId).unitCodes[0]!;
const synthesized = synthesizeTemplates({
  context: { ...skipBundling, alertSubscriptions: JSON.stringify([{ unit, protocol: 'sms', endpoint: '+84901234567' }, { unit: cityDeskQueue, protocol: 'email', endpoint: 'truc-ban@example.vn' }]) },
});
afterAll(() => synthesized.dispose());
const { stateful, stateless, statefulTemplate, statelessTemplate } = synthesized;
const producer = (value: unknown) => exportedValue(statefulTemplate, value);
const tableId = logicalIdOf(stateful.table);
const keyId = logicalIdOf(stateful.key);
const topicId = logicalIdOf(stateful.alertTopic);
const failureQueueId = logicalIdOf(stateful.tipStreamFailureQueue);

describe('the tips table stream', () => {
  it('carries every change with its before and after images', () => {
    assert.deepEqual(propertiesOf(statefulTemplate, tableId).StreamSpecification, { StreamViewType: tipTable.streamViewType });
    assert.equal(tipTable.streamViewType, 'NEW_AND_OLD_IMAGES');
  });

  it('feeds tipStream with partial batch responses, bisection, bounded retries, the tips-only filter and a failure destination', () => {
    const functionId = logicalIdOf(stateless.functions.tipStream.function);
    const mapping = Object.values(resourcesOfType(statelessTemplate, 'AWS::Lambda::EventSourceMapping'))
      .map((resource) => resource.Properties ?? {})
      .find((properties) => JSON.stringify(properties.FunctionName) === JSON.stringify({ Ref: functionId }));
    assert.ok(mapping, 'tipStream has no event source mapping');
    assert.deepEqual(producer(mapping.EventSourceArn), { 'Fn::GetAtt': [tableId, 'StreamArn'] });
    assert.deepEqual(mapping.FunctionResponseTypes, ['ReportBatchItemFailures']);
    assert.equal(mapping.BisectBatchOnFunctionError, true);
    assert.equal(mapping.MaximumRetryAttempts, tipStreamEventSource.retryAttempts);
    assert.equal(mapping.MaximumRecordAgeInSeconds, tipStreamEventSource.maxRecordAgeSeconds);
    assert.equal(mapping.StartingPosition, 'TRIM_HORIZON');
    assert.equal(mapping.BatchSize, tipStreamEventSource.batchSize);
    assert.deepEqual(mapping.FilterCriteria, { Filters: [{ Pattern: JSON.stringify(tipStreamEventSource.filterPattern) }] });
    const destination = (mapping.DestinationConfig as { OnFailure: { Destination: unknown } }).OnFailure.Destination;
    assert.deepEqual(producer(destination), arnOf(failureQueueId));
  });

  it('alarms the duty team on anything in the failure queue', () => {
    const alarm = propertiesOf(statelessTemplate, logicalIdOf(stateless.tipStreamFailureAlarm));
    assert.equal(alarm.MetricName, 'ApproximateNumberOfMessagesVisible');
    assert.equal(alarm.Threshold, alarmThresholds.deadLetterMessages);
    assert.deepEqual(producer((alarm.Dimensions as Array<{ Value: unknown }>)[0]?.Value), { 'Fn::GetAtt': [failureQueueId, 'QueueName'] });
    assert.ok((alarm.AlarmActions as unknown[]).length > 0);
  });

  it('keeps the failure queue under the data key, over TLS only', () => {
    const queue = propertiesOf(statefulTemplate, failureQueueId);
    assert.deepEqual(queue.KmsMasterKeyId, arnOf(keyId));
  });
});

describe('the urgent-alert topic', () => {
  it('is encrypted with the data key and refuses requests without TLS', () => {
    const topic = propertiesOf(statefulTemplate, topicId);
    assert.deepEqual(topic.KmsMasterKeyId, arnOf(keyId));
    assert.equal(topic.TopicName, `tinbao-test-${alertTopic.logicalName}`);
    const policies = Object.values(resourcesOfType(statefulTemplate, 'AWS::SNS::TopicPolicy')).filter((policy) => JSON.stringify(policy.Properties?.Topics).includes(topicId));
    assert.match(JSON.stringify(policies), /"aws:SecureTransport":"false"/);
  });

  it("filters each unit's subscription on its queue, so a unit hears only its own tips", () => {
    const subscriptions = Object.values(resourcesOfType(statefulTemplate, 'AWS::SNS::Subscription'))
      .map((resource) => resource.Properties ?? {})
      .filter((properties) => JSON.stringify(properties.TopicArn) === JSON.stringify({ Ref: topicId }));
    assert.deepEqual(
      subscriptions.map((properties) => [properties.Protocol, properties.Endpoint, properties.FilterPolicy]),
      [
        ['sms', '+84901234567', { [alertTopic.queueAttribute]: [unit] }],
        ['email', 'truc-ban@example.vn', { [alertTopic.queueAttribute]: [cityDeskQueue] }],
      ],
    );
  });

  it('is what tipStream publishes to, with the console address for the link', () => {
    const variables = (propertiesOf(statelessTemplate, logicalIdOf(stateless.functions.tipStream.function)).Environment as { Variables: Record<string, unknown> }).Variables;
    assert.deepEqual(producer(variables[environmentNames.alertTopicArn]), { Ref: topicId });
    assert.match(JSON.stringify(variables[environmentNames.consoleUrl]), /console/);
  });

  it('refuses subscription settings that name no unit of the pack, or a bad endpoint', () => {
    const codes = jurisdiction(defaultPackId).queueCodes;
    assert.throws(() => alertSubscriptionsFrom('[{"unit":"99999","protocol":"sms","endpoint":"+84901234567"}]', codes), /unit must be a unit code/);
    assert.throws(() => alertSubscriptionsFrom(`[{"unit":"${unit}","protocol":"sms","endpoint":"0901234567"}]`, codes), /E\.164/);
    assert.throws(() => alertSubscriptionsFrom(`[{"unit":"${unit}","protocol":"https","endpoint":"http://pager"}]`, codes), /https URL/);
    assert.throws(() => alertSubscriptionsFrom('{"unit":"x"}', codes), /JSON list/);
    assert.deepEqual(alertSubscriptionsFrom(undefined, codes), []);
  });
});
