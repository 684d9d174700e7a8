/**
 * cdk-nag AwsSolutions checks. cdk-nag 3 is a CDK validation plugin: buildApp registers it with
 * `Validations.of(app).addPlugins(...)`, an unacknowledged finding (error or warning) fails the synth,
 * and findings are acknowledged in code with `Validations.of(construct).acknowledge({ id, reason })`.
 * (cdk-nag 3 emits no annotations, so `Annotations.findError('AwsSolutions-*')` would always be empty;
 * these tests read the pack's own report instead.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, it, vi } from 'vitest';
import { FeatureFlags, Validations, type Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, SNS_SUBSCRIPTIONS_SQS_DECRYPTION_POLICY, VALIDATE_AGAINST_DEFAULT_RULES } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { buildApp, featureFlags } from '../../infra/build-app.ts';
import { apiRoutes, type RouteDefinition } from '../../infra/definitions.ts';
import { buildTestApp, logicalIdOf, skipBundling, testStage } from './support.ts';

/** The findings BucketDeployment's standard S3 grants raise on the web deployment role (web-console.ts says why each is needed). */
const deploymentGrantFindings = [
  'AwsSolutions-IAM5[Action::s3:GetObject*]',
  'AwsSolutions-IAM5[Action::s3:GetBucket*]',
  'AwsSolutions-IAM5[Action::s3:List*]',
  'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
  'AwsSolutions-IAM5[Action::s3:Abort*]',
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
];

// The rules read the templates, not the bundles: bundling is skipped (the wiring test below bundles as app.ts does).
const built = buildTestApp({ nagChecks: true, context: skipBundling });
afterAll(() => built.dispose());
const stacks: Stack[] = [built.stateful, built.stateless, built.stateless.edge];

/** The site bucket's objects, as cdk-nag names them in a finding. */
const siteObjectsFinding = `AwsSolutions-IAM5[Resource::<${logicalIdOf(built.stateless.web.bucket)}.Arn>/*]`;

/**
 * The evidence bucket's objects under one prefix, as cdk-nag names them: the functions' grants by
 * the ARN built from the bucket's fixed name, the evidence handler role's (same stack) by reference.
 */
const evidenceFinding = (prefix: string) => `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::tinbao-${testStage}-evidence-<AWS::AccountId>-<AWS::Region>/${prefix}*]`;
const evidenceHandlerFinding = (prefix: string) => `AwsSolutions-IAM5[Resource::<${logicalIdOf(built.stateful.evidenceBucket)}.Arn>/${prefix}*]`;
const stateful = `Tinbao-${testStage}-Stateful`;
const statelessPolicy = (name: string) => `Tinbao-${testStage}-Stateless/${name}Function/Role/DefaultPolicy`;
const evidenceHandlerPolicy = `${stateful}/EvidenceHandlerRole/DefaultPolicy`;
/** Where each prefix grant of the evidence bucket is acknowledged: the roles that have it (function-permissions.ts, evidence-storage.ts). */
const evidenceGrants: Readonly<Record<string, readonly string[]>> = {
  [evidenceFinding('incoming/')]: [statelessPolicy('Intake'), statelessPolicy('Scan')],
  [evidenceFinding('clean/')]: [statelessPolicy('Officers'), statelessPolicy('Scan')],
  [evidenceFinding('originals/')]: [statelessPolicy('Scan')],
  [evidenceFinding('quarantine/')]: [statelessPolicy('Scan')],
  [evidenceHandlerFinding('originals/')]: [evidenceHandlerPolicy],
  [evidenceHandlerFinding('quarantine/')]: [evidenceHandlerPolicy],
};

/** The only rules this app acknowledges. A new acknowledgement must be added here, deliberately. */
const acknowledgedRules = [
  'AwsSolutions-APIG4',
  'AwsSolutions-IAM5[Resource::*]',
  // smsAws and officers may reply from any End User Messaging phone number or pool until context names one ARN (sms-context.test.ts).
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sms-voice:<AWS::Region>:<AWS::AccountId>:phone-number/*]',
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sms-voice:<AWS::Region>:<AWS::AccountId>:pool/*]',
  'AwsSolutions-SMG4',
  // The web distribution: no geo restriction by design, no viewer logs (they hold IPs), default certificate. It has a web ACL (CFR2).
  'AwsSolutions-CFR1',
  'AwsSolutions-CFR3',
  'AwsSolutions-CFR4',
  // BucketDeployment: its grants on the asset and site buckets, and the runtime the CDK builds its handler for.
  ...deploymentGrantFindings,
  siteObjectsFinding,
  'AwsSolutions-L1',
  // The evidence bucket: no access logs (they would hold uploaders' IP addresses), and grants by prefix.
  'AwsSolutions-S1',
  ...Object.keys(evidenceGrants),
  // The table stream's failure queue is itself a dead-letter destination: it needs no DLQ of its own.
  'AwsSolutions-SQS3',
];

const stateless = `Tinbao-${testStage}-Stateless`;
const publicRoutes = apiRoutes.filter((route) => route.auth === undefined);
/** The CDK's path of an HTTP API route: `POST /tips/status` → `HttpApi/POST--tips--status`. */
const routePath = (route: RouteDefinition) => `${stateless}/HttpApi/${route.method}${route.path.replaceAll('/', '--')}`;
const deploymentHandler = built.stateless.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
const deploymentPolicy = `${stateless}/Web/DeploymentRole/DefaultPolicy`;

/** Where each acknowledgement may sit: a rule acknowledged anywhere else fails the test. */
const acknowledgedWhere: Record<string, readonly string[]> = {
  // Every public route, and no officer route: those have the JWT authorizer.
  'AwsSolutions-APIG4': publicRoutes.map(routePath),
  'AwsSolutions-IAM5[Resource::*]': ['Intake', 'Status', 'Classifier', 'SmsGateway', 'SmsTwilio', 'SmsAws', 'Officers', 'Scan', 'TipStream'].map(
    (name) => `${stateless}/${name}Function/Role/DefaultPolicy`,
  ),
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sms-voice:<AWS::Region>:<AWS::AccountId>:phone-number/*]': ['SmsAws', 'Officers'].map(
    (name) => `${stateless}/${name}Function/Role/DefaultPolicy`,
  ),
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sms-voice:<AWS::Region>:<AWS::AccountId>:pool/*]': ['SmsAws', 'Officers'].map(
    (name) => `${stateless}/${name}Function/Role/DefaultPolicy`,
  ),
  'AwsSolutions-SMG4': ['TrackingPepper', 'SmsGatewaySecret', 'TwilioAuthToken'].map((name) => `Tinbao-${testStage}-Stateful/${name}`),
  'AwsSolutions-CFR1': [`${stateless}/Web/Distribution`],
  'AwsSolutions-CFR3': [`${stateless}/Web/Distribution`],
  'AwsSolutions-CFR4': [`${stateless}/Web/Distribution`],
  ...Object.fromEntries([...deploymentGrantFindings, siteObjectsFinding].map((rule) => [rule, [deploymentPolicy]])),
  'AwsSolutions-L1': deploymentHandler ? [deploymentHandler.node.path] : [],
  'AwsSolutions-S1': [`${stateful}/EvidenceBucket`],
  'AwsSolutions-SQS3': [`${stateful}/TipStreamFailureQueue`],
  ...evidenceGrants,
};

let synthError: unknown;
try {
  built.app.synth();
} catch (error) {
  synthError = error;
}

interface Finding {
  readonly rule: string;
  readonly severity: string;
  readonly path: string;
  readonly description: string;
}

/** Runs the AwsSolutions pack over a synthesized tree; `ignoreAcknowledgements` shows what the acknowledgements hide. */
function findings(scope: IConstruct, ignoreAcknowledgements = false): Finding[] {
  const pack = new AwsSolutionsChecks();
  if (ignoreAcknowledgements) {
    // Relies on cdk-nag 3.0's NagPack calling this.isAcknowledged(node, ruleId) for every finding.
    (pack as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
  }
  return pack.validateScope(scope).violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => ({
      rule: violation.ruleName,
      severity: violation.severity ?? 'error',
      path: resource.constructPath ?? resource.resourceLogicalId ?? '?',
      description: violation.description,
    })),
  );
}

const describeFindings = (list: readonly Finding[]) =>
  list.map((finding) => `\n  [${finding.severity}] ${finding.rule} at ${finding.path}: ${finding.description}`).join('');

/** Every acknowledgement recorded in the app, with the construct it sits on. */
function acknowledgements(): { rule: string; path: string; reason: string }[] {
  return built.app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          rule: id.replace(/^annotation::/i, ''),
          path: construct.node.path,
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  it('lets the app synthesize with the checks buildApp registers', () => {
    assert.equal(synthError, undefined, `synth failed: ${String(synthError)}`);
  });

  for (const stack of stacks) {
    it(`finds no unacknowledged errors or warnings in ${stack.stackName}`, () => {
      const all = findings(stack);
      const errors = all.filter((finding) => finding.severity === 'error');
      const warnings = all.filter((finding) => finding.severity !== 'error');
      assert.deepEqual(errors, [], `AwsSolutions errors:${describeFindings(errors)}`);
      assert.deepEqual(warnings, [], `AwsSolutions warnings:${describeFindings(warnings)}`);
    });

    it(`leaves no CDK warnings or errors on ${stack.stackName}`, () => {
      const annotations = [
        ...Annotations.fromStack(stack).findError('*', Match.anyValue()),
        ...Annotations.fromStack(stack).findWarning('*', Match.anyValue()),
      ];
      assert.deepEqual(annotations, [], annotations.map((annotation) => `${annotation.id}: ${JSON.stringify(annotation.entry.data)}`).join('\n'));
    });
  }

  it('acknowledges only the expected rules, each with a specific reason', () => {
    const recorded = acknowledgements();
    assert.deepEqual([...new Set(recorded.map((entry) => entry.rule))].sort(), [...acknowledgedRules].sort());
    for (const entry of recorded) {
      assert.ok(entry.reason.length >= 80, `the reason for ${entry.rule} at ${entry.path} is too thin: ${entry.reason}`);
      assert.ok(!/^(n\/a|todo|ok|fine|ignore)/i.test(entry.reason.trim()), `placeholder reason for ${entry.rule} at ${entry.path}`);
    }
  });

  it('acknowledges each rule exactly on the constructs listed for it', () => {
    const recorded = acknowledgements();
    for (const rule of acknowledgedRules) {
      const paths = recorded.filter((entry) => entry.rule === rule).map((entry) => entry.path);
      assert.deepEqual(paths.sort(), [...(acknowledgedWhere[rule] ?? [])].sort(), `${rule} acknowledged at`);
    }
  });

  it('says how each SMS webhook is authenticated instead of an authorizer, and why each secret is not rotated', () => {
    const reasonAt = (rule: string, suffix: string) => acknowledgements().find((entry) => entry.rule === rule && entry.path.endsWith(suffix))?.reason ?? '';
    assert.match(reasonAt('AwsSolutions-APIG4', '/POST--sms--inbound'), /HMAC signature/);
    assert.match(reasonAt('AwsSolutions-APIG4', '/POST--sms--twilio'), /X-Twilio-Signature/);
    assert.match(reasonAt('AwsSolutions-APIG4', '/POST--tips'), /anonymous/);
    assert.match(reasonAt('AwsSolutions-APIG4', '/POST--tips--status--messages'), /tracking code plus secret/);
    assert.match(reasonAt('AwsSolutions-SMG4', '/SmsGatewaySecret'), /gateway operator/);
    assert.match(reasonAt('AwsSolutions-SMG4', '/TwilioAuthToken'), /Twilio console/);
  });

  it('needs no APIG4 acknowledgement for officer routes, and says why the distribution has no viewer logs or geo restriction', () => {
    const reasonAt = (rule: string, suffix: string) => acknowledgements().find((entry) => entry.rule === rule && entry.path.endsWith(suffix))?.reason ?? '';
    const officerRoutes = apiRoutes.filter((route) => route.auth === 'officer').map(routePath);
    assert.ok(officerRoutes.length > 0);
    for (const path of officerRoutes) assert.equal(reasonAt('AwsSolutions-APIG4', path), '', `${path} is acknowledged instead of authorized`);
    assert.match(reasonAt('AwsSolutions-CFR3', '/Web/Distribution'), /IP address/);
    assert.match(reasonAt('AwsSolutions-CFR1', '/Web/Distribution'), /abroad/);
    assert.match(reasonAt('AwsSolutions-CFR4', '/Web/Distribution'), /certificate/);
  });

  it("says why the evidence bucket keeps no access logs, and names the prefix and the actions of each prefix grant", () => {
    const reasonsAt = (rule: string) => acknowledgements().filter((entry) => entry.rule === rule);
    assert.match(reasonsAt('AwsSolutions-S1')[0]?.reason ?? '', /IP address/);
    for (const [finding, paths] of Object.entries(evidenceGrants)) {
      const prefix = /\/(\w+\/)\*\]$/.exec(finding)?.[1] ?? '';
      assert.equal(reasonsAt(finding).length, paths.length, finding);
      for (const entry of reasonsAt(finding)) assert.ok(entry.reason.includes(prefix) && /s3:(Get|Put)Object/.test(entry.reason), `${finding} at ${entry.path}: ${entry.reason}`);
    }
  });

  it('finds a web ACL on the distribution (CFR2) without being told to overlook its absence', () => {
    const cfr2 = findings(built.app, true).filter((finding) => finding.rule === 'AwsSolutions-CFR2');
    assert.deepEqual(cfr2, [], `the distribution has no web ACL:${describeFindings(cfr2)}`);
  });

  it('acknowledges nothing that is not a real finding, and no rule broader than the finding it answers', () => {
    const hidden = findings(built.app, true);
    const recorded = acknowledgements();
    // Every acknowledgement answers a finding on its own construct or a child of it...
    for (const entry of recorded) {
      assert.ok(
        hidden.some((finding) => finding.rule === entry.rule && (finding.path === entry.path || finding.path.startsWith(`${entry.path}/`))),
        `stale acknowledgement of ${entry.rule} at ${entry.path}`,
      );
    }
    // ...and sits on the resource itself or its owning L2 construct, never on a stack or the app.
    const stackPaths = new Set(stacks.map((stack) => stack.node.path));
    for (const entry of recorded) assert.ok(!stackPaths.has(entry.path) && entry.path !== '', `${entry.rule} is acknowledged for a whole stack`);
  });
});

describe('feature flags', () => {
  it('are on whatever the context says: SNS may use the data key only for its topic, CloudFormation Validate findings fail the synth, S3 access logs need no ACL', () => {
    const off = Object.fromEntries(Object.keys(featureFlags).map((flag) => [flag, false]));
    const app = buildTestApp({ context: { ...skipBundling, ...off } });
    try {
      for (const flag of [SNS_SUBSCRIPTIONS_SQS_DECRYPTION_POLICY, VALIDATE_AGAINST_DEFAULT_RULES, S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY]) {
        assert.equal(app.app.node.tryGetContext(flag), true, flag);
        assert.equal(FeatureFlags.of(app.stateful).isEnabled(flag), true, flag);
      }
    } finally {
      app.dispose();
    }
  });
});

describe('cdk-nag wiring', () => {
  it('is on by default, so `cdk synth` fails when a resource breaks a rule', () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'tinbao-cdk-'));
    try {
      const broken = buildApp({ stage: testStage, outdir }); // the options app.ts uses: none but the stage
      new sqs.Queue(broken.stateful, 'PlainQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
      // The CDK prints the report on stderr before throwing; the report file is what this test reads.
      vi.spyOn(console, 'error').mockImplementation(() => undefined);
      assert.throws(() => broken.app.synth(), /Validation ?failed/i);
      const report = readFileSync(path.join(outdir, 'validation-report.json'), 'utf8');
      assert.match(report, /AwsSolutions-SQS4/);
      assert.match(report, /Tinbao-test-Stateful\/PlainQueue/);
    } finally {
      vi.restoreAllMocks();
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
