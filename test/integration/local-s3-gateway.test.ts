/**
 * The local S3 gateway (infra/local/s3-gateway.ts): the evidence bucket's address in the local
 * stack, in front of fauxqs, playing the bucket configuration fauxqs lacks from the definition the
 * cloud's bucket is built from: CORS for the site's origin only, event notifications to the scan
 * queue in S3's own shape, and the lifecycle. Files larger than fauxqs takes in one request are
 * stored whole.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { GetBucketLifecycleConfigurationCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { evidenceBucket } from '../../infra/definitions.ts';
import { evidenceLifecycleConfiguration } from '../../infra/local/resources.ts';
import { startS3Gateway } from '../../infra/local/s3-gateway.ts';
import { notificationKey, type NotificationFailure, type S3EventNotification, type SentNotification } from '../../infra/local/s3-notifications.ts';
import type { LocalStack } from '../../infra/local/stack.ts';
import { pageSecurityPolicyFor } from '../../functions/http/security-headers.ts';
import { eventually, waitLimitMs } from '../support/helpers.ts';
import { startTestStack } from '../support/stack.ts';

let stack: LocalStack;
const notifications: SentNotification[] = [];

beforeAll(async () => {
  stack = await startTestStack({ logLevel: 'SILENT', label: 's3gw', onS3Notification: (notification) => notifications.push(notification) });
});

afterAll(async () => {
  await stack?.stop();
});

const siteOrigin = () => new URL(stack.apiUrl).origin;
const bucketUrl = () => `${stack.s3Url}/${stack.evidenceBucketName}`;
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

/** Posts a file as the citizen form's script does: the presigned POST's fields, then the file. */
async function presignedPost(key: string, bytes: Uint8Array, fileName: string, headers: Record<string, string> = {}) {
  const { url, fields } = await createPresignedPost(stack.s3, {
    Bucket: stack.evidenceBucketName,
    Key: key,
    Conditions: [['content-length-range', 1, bytes.length], { success_action_status: '201' }],
    Fields: { 'Content-Type': 'image/jpeg', success_action_status: '201' },
    Expires: 600,
  });
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), fileName);
  const response = await fetch(url, { method: 'POST', body: form, headers });
  return { url, status: response.status, headers: response.headers, text: await response.text() };
}

/** The object-created records sent so far, in order. */
const records = () => notifications.flatMap((notification) => ('Records' in notification.body ? (notification.body as S3EventNotification).Records : []));

describe('the local S3 gateway', () => {
  it('is the S3 endpoint the functions presign for, and the form page may post files to it', async () => {
    const { url } = await createPresignedPost(stack.s3, { Bucket: stack.evidenceBucketName, Key: 'incoming/x/y' });
    assert.equal(url, bucketUrl(), 'path-style, on the gateway');
    assert.equal(new URL(stack.s3Url).hostname, '127.0.0.1');
    const page = await fetch(`${stack.apiUrl}/`);
    await page.arrayBuffer();
    assert.equal(page.headers.get('content-security-policy'), pageSecurityPolicyFor([stack.s3Url]));
  });

  it('answers the site’s preflight and POST with CORS headers, and gives other origins none', async () => {
    const preflight = await fetch(bucketUrl(), {
      method: 'OPTIONS',
      headers: { origin: siteOrigin(), 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    await preflight.arrayBuffer();
    assert.equal(preflight.status, 200);
    assert.equal(preflight.headers.get('access-control-allow-origin'), siteOrigin());
    assert.equal(preflight.headers.get('access-control-allow-methods'), evidenceBucket.cors.allowedMethods.join(', '));
    assert.equal(preflight.headers.get('access-control-allow-headers'), 'content-type');
    assert.equal(preflight.headers.get('access-control-max-age'), String(evidenceBucket.cors.maxAgeSeconds));

    const bytes = randomBytes(2048);
    const posted = await presignedPost(`incoming/cors-${randomBytes(4).toString('hex')}/a`, bytes, 'a.jpg', { origin: siteOrigin() });
    assert.equal(posted.status, 201, posted.text);
    assert.equal(posted.headers.get('access-control-allow-origin'), siteOrigin());
    assert.equal(posted.headers.get('access-control-expose-headers'), evidenceBucket.cors.exposedHeaders.join(', '));
    assert.equal(posted.headers.get('etag'), `"${md5(bytes)}"`);

    const elsewhere = await presignedPost(`incoming/cors-${randomBytes(4).toString('hex')}/b`, bytes, 'b.jpg', { origin: 'https://elsewhere.example' });
    assert.equal(elsewhere.status, 201, 'S3 stores it all the same: CORS only tells the browser');
    assert.equal(elsewhere.headers.get('access-control-allow-origin'), null);
    const get = await fetch(`${bucketUrl()}/incoming/none`, { headers: { origin: siteOrigin() } });
    await get.arrayBuffer();
    assert.equal(get.headers.get('access-control-allow-origin'), null, 'the rule allows POST only');
  });

  it('refuses a preflight from another origin, or for a method the bucket does not allow, as S3 does (403)', async () => {
    for (const [origin, method] of [
      ['https://elsewhere.example', 'POST'],
      [`http://127.0.0.1:${Number(new URL(stack.apiUrl).port) + 10}`, 'POST'],
      [siteOrigin(), 'PUT'],
      [siteOrigin(), 'DELETE'],
    ] as const) {
      const refused = await fetch(bucketUrl(), { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method } });
      const text = await refused.text();
      assert.equal(refused.status, 403, `${origin} ${method}`);
      assert.match(text, /<Code>AccessForbidden<\/Code>/);
      assert.equal(refused.headers.get('access-control-allow-origin'), null);
    }
  });

  it('tells the scan queue of an upload under incoming/ once, in S3’s own shape, and of nothing under clean/', async () => {
    const run = randomBytes(4).toString('hex');
    const bytes = randomBytes(4096);
    const postedKey = `incoming/notify-${run}/photo (1) ảnh.jpg`;
    const posted = await presignedPost(postedKey, bytes, 'IMG_0001.jpg');
    assert.equal(posted.status, 201, posted.text);
    await stack.s3.send(new PutObjectCommand({ Bucket: stack.evidenceBucketName, Key: `clean/notify-${run}/a`, Body: randomBytes(64), ContentType: 'image/jpeg' }));
    // A last upload under incoming/: once its notification is there, every earlier one would be (they leave in order).
    const markerKey = `incoming/notify-${run}/marker`;
    const marker = randomBytes(10);
    await stack.s3.send(new PutObjectCommand({ Bucket: stack.evidenceBucketName, Key: markerKey, Body: marker }));
    await eventually(async () => (records().some((record) => record.s3.object.key === markerKey) ? true : undefined), waitLimitMs, 'the marker’s notification');

    const ours = records().filter((record) => record.s3.object.key.startsWith(`incoming/notify-${run}/`) || record.s3.object.key.startsWith(`clean/notify-${run}/`));
    assert.deepEqual(
      ours.map((record) => [record.eventName, record.s3.object.key]),
      [
        ['ObjectCreated:Post', `incoming/notify-${run}/photo+%281%29+${encodeURIComponent('ảnh')}.jpg`],
        ['ObjectCreated:Put', markerKey],
      ],
    );
    const [post, put] = ours as [(typeof ours)[number], (typeof ours)[number]];
    assert.equal(decodeURIComponent(post.s3.object.key.replace(/\+/g, ' ')), postedKey, 'decoded as S3 keys are');
    assert.deepEqual(
      { ...post, eventTime: undefined, s3: { ...post.s3, object: { ...post.s3.object, sequencer: undefined } }, responseElements: undefined },
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'ap-southeast-1',
        eventTime: undefined,
        eventName: 'ObjectCreated:Post',
        userIdentity: { principalId: 'AWS:local' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: undefined,
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'tinbao-local-evidence-scan',
          bucket: { name: stack.evidenceBucketName, ownerIdentity: { principalId: 'AWS:local' }, arn: `arn:aws:s3:::${stack.evidenceBucketName}` },
          object: { key: notificationKey(postedKey), size: bytes.length, eTag: md5(bytes), sequencer: undefined },
        },
      },
    );
    assert.ok(Math.abs(Date.parse(post.eventTime) - Date.now()) < 60_000, 'an ISO time of the upload');
    assert.match(post.responseElements['x-amz-request-id'], /\S/);
    assert.deepEqual({ size: put.s3.object.size, eTag: put.s3.object.eTag }, { size: marker.length, eTag: md5(marker) });
    assert.match(post.s3.object.sequencer, /^[0-9A-F]{16,}$/);
    assert.ok(put.s3.object.sequencer > post.s3.object.sequencer, 'sequencers grow');

    const tests = notifications.filter((notification) => 'Event' in notification.body);
    assert.equal(tests.length, 1, 'S3’s test event, once, at start');
    assert.deepEqual({ ...tests[0]?.body, Time: undefined, RequestId: undefined, HostId: undefined }, {
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Time: undefined,
      Bucket: stack.evidenceBucketName,
      RequestId: undefined,
      HostId: undefined,
    });
  });

  it('stores a file larger than fauxqs takes in one request whole, with the ETag of a single upload', async () => {
    const run = randomBytes(4).toString('hex');
    const bytes = randomBytes(12 * 1024 * 1024 + 17);
    const key = `incoming/large-${run}/video`;
    const posted = await presignedPost(key, bytes, 'video.mp4', { origin: siteOrigin() });
    assert.equal(posted.status, 201, posted.text);
    assert.equal(posted.headers.get('access-control-allow-origin'), siteOrigin());
    assert.match(posted.text, new RegExp(`<Key>${key}</Key>`));
    const head = await stack.s3.send(new HeadObjectCommand({ Bucket: stack.evidenceBucketName, Key: key }));
    assert.deepEqual({ size: head.ContentLength, eTag: head.ETag, type: head.ContentType }, { size: bytes.length, eTag: `"${md5(bytes)}"`, type: 'image/jpeg' });
    const record = await eventually(async () => records().find((candidate) => candidate.s3.object.key === key), waitLimitMs, 'the notification');
    assert.deepEqual({ size: record.s3.object.size, eTag: record.s3.object.eTag, eventName: record.eventName }, { size: bytes.length, eTag: md5(bytes), eventName: 'ObjectCreated:Post' });

    // The functions' PUTs of originals and clean copies of the same size.
    const cleanKey = `clean/large-${run}/video`;
    const put = await stack.s3.send(new PutObjectCommand({ Bucket: stack.evidenceBucketName, Key: cleanKey, Body: bytes, ContentType: 'video/mp4' }));
    assert.equal(put.ETag, `"${md5(bytes)}"`);
    const got = await stack.s3.send(new GetObjectCommand({ Bucket: stack.evidenceBucketName, Key: cleanKey }));
    const read = await got.Body?.transformToByteArray();
    assert.equal(got.ContentType, 'video/mp4');
    assert.equal(md5(read ?? new Uint8Array()), md5(bytes));
  });

  it('has the lifecycle of the definition: incoming/ after a day, everything after the retention', async () => {
    const { Rules } = await stack.s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: stack.evidenceBucketName }));
    assert.deepEqual(Rules, evidenceLifecycleConfiguration().Rules);
    assert.deepEqual(
      Rules?.map((rule) => [rule.Filter?.Prefix, rule.Expiration?.Days]),
      [
        [evidenceBucket.notification.prefix, evidenceBucket.incomingExpirationDays],
        ['', evidenceBucket.expirationDays],
      ],
    );
  });

  it('serves the bucket only: SQS, SNS and fauxqs’s own pages on the same emulator are not reachable through it', async () => {
    const probes: Array<[string, RequestInit]> = [
      ['/', { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' }, body: '{}' }],
      ['/', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=ListTopics' }],
      ['/', { method: 'GET' }],
      ['/_fauxqs/queues', { method: 'GET' }],
      ['/health', { method: 'GET' }],
      ['/another-bucket/key', { method: 'GET' }],
    ];
    for (const [path, init] of probes) {
      const answer = await fetch(`${stack.s3Url}${path}`, init);
      const text = await answer.text();
      assert.equal(answer.status, 404, `${init.method} ${path}`);
      assert.match(text, /<Code>NoSuchBucket<\/Code>/);
    }
  });
});

describe('a notification that cannot be sent', () => {
  it('is retried, then told with ids only, and the gateway goes on serving', async () => {
    const failures: NotificationFailure[] = [];
    const gateway = await startS3Gateway({
      upstream: stack.sqsEndpoint,
      bucket: stack.evidenceBucketName,
      allowedOrigins: [],
      // A queue that does not exist: every send fails.
      notifications: { sqs: stack.sqs, queueUrl: `${stack.sqsEndpoint}/000000000000/no-such-queue-${randomBytes(4).toString('hex')}` },
      retryDelaysMs: [0, 0],
      onNotificationFailure: (failure) => failures.push(failure),
    });
    try {
      const tipId = '01JAAAAAAAAAAAAAAAAAAAAAAA';
      const attachmentId = '01JBBBBBBBBBBBBBBBBBBBBBBB';
      const put = await fetch(`${gateway.url}/${stack.evidenceBucketName}/incoming/${tipId}/${attachmentId}`, { method: 'PUT', body: 'not a photo' });
      await put.arrayBuffer();
      assert.equal(put.status, 200, 'the upload is stored: S3 notifies after answering');
      const failure = await eventually(async () => failures.find((candidate) => candidate.eventName === 'ObjectCreated:Put'), waitLimitMs, 'the failure');
      assert.deepEqual({ ...failure, requestId: undefined, code: undefined }, {
        stage: 'send',
        eventName: 'ObjectCreated:Put',
        requestId: undefined,
        tipId,
        attachmentId,
        errorName: failure.errorName,
        code: undefined,
        attempts: 3,
      });
      assert.ok(
        failures.some((candidate) => candidate.eventName === 's3:TestEvent'),
        'the test event failed the same way',
      );
      const again = await fetch(`${gateway.url}/${stack.evidenceBucketName}/incoming/${tipId}/${attachmentId}`);
      assert.equal(await again.text(), 'not a photo');
    } finally {
      await gateway.close();
    }
  });
});
