import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId, type AwsSdkCall } from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { evidenceCorsRule } from './evidence-storage.ts';

/**
 * Sets the evidence bucket's CORS rule to the one site origin, from the stateless stack, when the
 * site's address is its CloudFront distribution's: the bucket is in the stateful stack, deployed
 * first, which cannot refer to a distribution that does not exist yet. A PutBucketCors call made
 * by CloudFormation through a custom resource (the CDK's AwsCustomResource, its own role and log
 * group) on create and whenever the origin changes. Nothing is undone on delete: the stateful
 * stack may own the rule by then (context `siteOrigin`), and a rule for a gone distribution lets
 * no one in. With `siteOrigin` set this construct is not made (evidence-storage.ts sets the rule).
 *
 * CloudFormation updates a bucket property by property, so a rule set this way survives updates
 * of the stateful stack, as the CDK's own bucket notifications do.
 */
export function setEvidenceCors(scope: Construct, props: { readonly stage: string; readonly bucket: s3.IBucket; readonly siteOrigin: string }): AwsCustomResource {
  const logGroup = new logs.LogGroup(scope, 'EvidenceCorsLogs', {
    retention: logs.RetentionDays.THREE_MONTHS,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  // An explicit role, like the functions': no AWS managed policy, only its own log group.
  const role = new iam.Role(scope, 'EvidenceCorsRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `tinbao ${props.stage}: sets the evidence bucket's CORS rule to the web distribution's origin`,
  });
  logGroup.grantWrite(role);
  const putRule: AwsSdkCall = {
    service: 'S3',
    action: 'putBucketCors',
    parameters: { Bucket: props.bucket.bucketName, CORSConfiguration: { CORSRules: [evidenceCorsRule([props.siteOrigin])] } },
    physicalResourceId: PhysicalResourceId.of(`${props.stage}-evidence-cors`),
  };
  const custom = new AwsCustomResource(scope, 'EvidenceCors', {
    resourceType: 'Custom::EvidenceBucketCors',
    onCreate: putRule,
    onUpdate: putRule,
    policy: AwsCustomResourcePolicy.fromStatements([new iam.PolicyStatement({ actions: ['s3:PutBucketCORS'], resources: [props.bucket.bucketArn] })]),
    role,
    logGroup,
    // The handler's bundled SDK: a deploy downloads nothing.
    installLatestAwsSdk: false,
  });
  return custom;
}
