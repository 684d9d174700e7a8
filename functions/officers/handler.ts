import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import { securityHeaders } from '../http/security-headers.ts';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { NotFoundError } from '../../shared/errors.ts';
import type { Officer } from '../../shared/officers/model.ts';
import { systemClock } from '../../shared/ports.ts';
import { addNote, assignTip, changeStatus, claimTip, extendDeadline, getTip, listQueue, listQueueOfficers, replyToTipster, transferTip } from '../../shared/usecases/officers/tips.ts';
import { summariseQueues } from '../../shared/usecases/officers/summary.ts';
import { getStatistics } from '../../shared/usecases/officers/statistics.ts';
import type { EvidenceStorage } from '../../shared/attachments/ports.ts';
import { viewAttachment } from '../../shared/usecases/attachments.ts';
import { dismissDuplicate, linkReport } from '../../shared/usecases/officers/incidents.ts';
import { createDynamoDuplicateStore } from '../adapters/dynamo-duplicates.ts';
import { listAlerts } from '../../shared/usecases/officers/alerts.ts';
import { createDynamoAlertLedger } from '../adapters/dynamo-alert-ledger.ts';
import { createDynamoAttachmentStore } from '../adapters/dynamo-attachment-store.ts';
import { loadChannelSecret } from '../adapters/channel-secret.ts';
import { createDynamoQueueCounter, createDynamoTipRepository } from '../adapters/dynamo-tip-store.ts';
import { createDynamoSmsSenderStore } from '../adapters/dynamo-sms-store.ts';
import { createDynamoStatisticsStore } from '../adapters/dynamo-statistics.ts';
import { createDocumentClient } from '../adapters/dynamo-tip-items.ts';
import { commonEnvironment, readEnvironment } from '../adapters/environment.ts';
import { createOfficerAuthenticator, officerAuthEnvironment, officerAuthSettings } from '../adapters/officer-auth.ts';
import { createOfficerDirectory } from '../adapters/officer-directory.ts';
import { createPhoneVault } from '../adapters/phone-vault.ts';
import { dynamoDbClient, logger, metrics, ulidGenerator } from '../adapters/runtime.ts';
import { createReplyOutbox } from '../adapters/sms-outbox.ts';
import { createTipsterNotifier } from '../adapters/tipster-notifier.ts';
import { httpErrorResponses } from '../http/errors.ts';
import { requireOfficer, type OfficerContext } from '../http/officer-auth.ts';
import { readBody } from '../http/request.ts';
import { jsonResponse } from '../http/responses.ts';
import { awsClientSettings } from '../adapters/aws-client-settings.ts';

const environment = readEnvironment({
  ...commonEnvironment,
  ...officerAuthEnvironment,
  PHONE_KEY_ARN: z.string().startsWith('arn:').optional(),
  PHONE_SEALING_KEY: z.string().min(40).optional(),
  USER_POOL_ID: z.string().min(1).optional(),
  SMS_GATEWAY_OUTBOUND_URL: z.url().optional(),
  SMS_ORIGINATION_IDENTITY: z.string().min(1).optional(),
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-f]{32}$/).optional(),
  TWILIO_FROM_NUMBER: z.string().regex(/^\+[1-9]\d{6,14}$/).optional(),
  SMS_LOCAL_FAKE_OUTBOUND_URL: z.url().optional(),
  EVIDENCE_BUCKET_NAME: z.string().min(1),
});

const documents = createDocumentClient(dynamoDbClient);
const tips = createDynamoTipRepository(documents, environment.TABLE_NAME, environment.TIP_RETENTION_DAYS);
const gatewaySecret = await loadChannelSecret({ arnVariable: 'SMS_GATEWAY_SECRET_ARN', localVariable: 'SMS_GATEWAY_SECRET' });
const twilioAccount = environment.TWILIO_ACCOUNT_SID && environment.TWILIO_FROM_NUMBER ? { accountSid: environment.TWILIO_ACCOUNT_SID, from: environment.TWILIO_FROM_NUMBER } : undefined;
const outboundSettings = {
  fakeOutboundUrl: environment.SMS_LOCAL_FAKE_OUTBOUND_URL,
  gatewayOutboundUrl: environment.SMS_GATEWAY_OUTBOUND_URL,
  gatewaySecret,
  originationIdentity: environment.SMS_ORIGINATION_IDENTITY,
  twilio: twilioAccount && {
    ...twilioAccount,
    authToken: await loadChannelSecret({ arnVariable: 'TWILIO_AUTH_TOKEN_SECRET_ARN', localVariable: 'TWILIO_AUTH_TOKEN' }),
  },
};
/** The S3 client and presigner load on the first link asked for, not at cold start. */
let storageLoading: Promise<Pick<EvidenceStorage, 'viewUrl'>> | undefined;
const evidenceLinks: Pick<EvidenceStorage, 'viewUrl'> = {
  async viewUrl(key, fileName, contentType) {
    storageLoading ??= Promise.all([import('../adapters/s3-evidence-storage.ts'), import('../adapters/s3-client.ts')]).then(([storage, client]) =>
      storage.createS3EvidenceStorage(client.s3Client, { bucket: environment.EVIDENCE_BUCKET_NAME }),
    );
    return (await storageLoading).viewUrl(key, fileName, contentType);
  },
};

const dependencies = {
  tips,
  attachments: createDynamoAttachmentStore(documents, environment.TABLE_NAME),
  storage: evidenceLinks,
  jurisdiction: environment.JURISDICTION_PACK,
  clock: systemClock,
  ids: ulidGenerator,
  counter: createDynamoQueueCounter(documents, environment.TABLE_NAME),
  duplicates: createDynamoDuplicateStore(documents, environment.TABLE_NAME),
  statistics: createDynamoStatisticsStore(documents, environment.TABLE_NAME, environment.TIP_RETENTION_DAYS),
  directory: createOfficerDirectory(environment),
  notifier: createTipsterNotifier({
    senders: createDynamoSmsSenderStore(documents, environment.TABLE_NAME),
    vault: createPhoneVault(environment),
    outboxFor: (provider) => createReplyOutbox(provider, outboundSettings, () => new PinpointSMSVoiceV2Client(awsClientSettings)),
  }),
};
/** The urgent alerts tipStream sent, for the console's banner. */
const alertFeed = createDynamoAlertLedger(documents, environment.TABLE_NAME);
const authenticator = createOfficerAuthenticator(officerAuthSettings(environment));

type Action = (officer: Officer, event: APIGatewayProxyEventV2) => Promise<unknown>;

function tipId(event: APIGatewayProxyEventV2): string {
  const id = event.pathParameters?.id;
  if (!id) throw new NotFoundError();
  return id;
}

/** The JSON body of an action; an empty body is an empty object. */
function jsonBody(event: APIGatewayProxyEventV2): unknown {
  if (!event.body) return {};
  const body = readBody(event, { accept: ['json'] });
  return body.format === 'json' ? body.data : {};
}

/**
 * Changes answer with the tip as it now is, with its audit trail. After a transfer out of the
 * officer's own queues the trail is no longer theirs to read: they get the tip as they left it.
 */
const thenDetail =
  (change: (officer: Officer, id: string, input: unknown) => Promise<unknown>): Action =>
  async (officer, event) => {
    const id = tipId(event);
    const changed = await change(officer, id, jsonBody(event));
    try {
      return await getTip(officer, id, dependencies);
    } catch (error) {
      if (error instanceof NotFoundError) return { tip: changed, events: [] };
      throw error;
    }
  };

/** Every officer route, keyed by API Gateway's route key. */
const actions: Record<string, Action> = {
  'GET /queue': (officer, event) => listQueue(officer, event.queryStringParameters ?? {}, dependencies),
  'GET /queue/summary': (officer) => summariseQueues(officer, dependencies),
  'GET /alerts': (officer, event) => listAlerts(officer, event.queryStringParameters ?? {}, { ...dependencies, alerts: alertFeed }),
  'GET /stats': (officer, event) => getStatistics(officer, event.queryStringParameters ?? {}, dependencies),
  'GET /queue/officers': (officer, event) => listQueueOfficers(officer, event.queryStringParameters ?? {}, dependencies),
  'GET /tips/{id}': (officer, event) => getTip(officer, tipId(event), dependencies),
  'POST /tips/{id}/claim': thenDetail((officer, id) => claimTip(officer, id, dependencies)),
  'POST /tips/{id}/assign': thenDetail((officer, id, input) => assignTip(officer, id, input, dependencies)),
  'POST /tips/{id}/transfer': thenDetail((officer, id, input) => transferTip(officer, id, input, dependencies)),
  'POST /tips/{id}/status': thenDetail((officer, id, input) => changeStatus(officer, id, input, dependencies)),
  'POST /tips/{id}/notes': thenDetail((officer, id, input) => addNote(officer, id, input, dependencies)),
  'POST /tips/{id}/messages': async (officer, event) => {
    const id = tipId(event);
    const reply = await replyToTipster(officer, id, jsonBody(event), dependencies);
    if (!reply.delivered && reply.reason !== 'web_tip') metrics.addMetric('TipsterRepliesNotDelivered', MetricUnit.Count, 1);
    for (const report of reply.reports ?? []) if (!report.delivered && report.reason !== 'web_tip') metrics.addMetric('TipsterRepliesNotDelivered', MetricUnit.Count, 1);
    return {
      ...(await getTip(officer, id, dependencies)),
      delivered: reply.delivered,
      ...(!reply.delivered && { reason: reply.reason }),
      // An incident's reply reaches every report's tipster: what became of it, report by report.
      ...(reply.reports && { reportDeliveries: reply.reports }),
    };
  },
  'POST /tips/{id}/duplicates/{otherId}/link': (officer, event) => thenDetail((who, id) => linkReport(who, id, event.pathParameters?.otherId, dependencies))(officer, event),
  'POST /tips/{id}/duplicates/{otherId}/dismiss': (officer, event) => thenDetail((who, id) => dismissDuplicate(who, id, event.pathParameters?.otherId, dependencies))(officer, event),
  'POST /tips/{id}/deadline': thenDetail((officer, id, input) => extendDeadline(officer, id, input, dependencies)),
  'GET /tips/{id}/attachments/{attachmentId}': (officer, event) => viewAttachment(officer, tipId(event), event.pathParameters?.attachmentId, dependencies),
};

/** The officers' API: authenticated, authorised in each use case, audited in each change. */
async function officerApi(event: APIGatewayProxyEventV2, context: OfficerContext): Promise<APIGatewayProxyStructuredResultV2> {
  const action = actions[event.routeKey];
  if (!action) throw new NotFoundError();
  const result = await action(context.officer, event);
  logger.info('officer action', {
    route: event.routeKey,
    officer: context.officer.username,
    ...(event.pathParameters?.id && { tipId: event.pathParameters.id }),
    ...(event.pathParameters?.attachmentId && { attachmentId: event.pathParameters.attachmentId }),
    ...(event.pathParameters?.otherId && { otherTipId: event.pathParameters.otherId }),
  });
  metrics.addMetric('OfficerActions', MetricUnit.Count, 1);
  return jsonResponse(200, result);
}

/** The Lambda entry point. */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2, Error, OfficerContext>(officerApi)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  // Before the error handler, so that error answers get the same headers as the others.
  .use(securityHeaders())
  .use(httpErrorHandler({ logger: false }))
  .use(httpErrorResponses(logger, metrics, { pages: false }))
  .use(requireOfficer(authenticator));
