import { ArnFormat, CfnOutput, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { browserRoutes } from './http-api.ts';

/**
 * A web ACL for CloudFront must be made in us-east-1, whatever the region of the distribution's
 * stack (docs/decisions/0014-waf-and-rate-limits.md).
 */
export const edgeRegion = 'us-east-1';

/** The edge stack's output the stateless stack reads the web ACL's ARN from, with Fn::GetStackOutput. */
export const webAclArnOutputName = 'WebAclArn';

/**
 * How many requests one client address may send to the citizen routes in a window before the
 * rest of the window is refused with 429. A tip takes two or three requests (the post, the
 * receipt) and a status check one or two, so this is a hundred or more citizens behind one
 * address in five minutes: far beyond a household or an office, and still far below a mobile
 * network's shared (CGNAT) address seeing the city's whole tip volume, which is a handful a minute.
 */
export const citizenRateLimit = { requests: 300, windowSeconds: 300 } as const;

/**
 * The paths of the citizen routes (public, from browsers): the rate-based rule counts requests to
 * these alone, so officers sharing a police station's address are not throttled by it. Derived
 * from the route definitions, so a new public route is limited from its first deploy.
 */
export const citizenRoutePaths: readonly string[] = [...new Set(browserRoutes.filter((route) => route.auth === undefined).map((route) => route.path))];

/**
 * Rules of AWSManagedRulesCommonRuleSet that only count instead of blocking: the ones that read the
 * request body. Bodies are tips, tipster messages and officers' notes in free text, up to the
 * handlers' 64 KiB, and a false positive would lose a crime report with nothing but a bare 403.
 * The handlers parse every body strictly and escape everything they render.
 */
export const countedCommonRules = {
  SizeRestrictions_BODY: 'blocks bodies over 8 KB; a 5,000-character Vietnamese tip sent from the no-JavaScript form is up to about 40 KB',
  CrossSiteScripting_BODY: 'a tip may quote the markup of a phishing page or message; nothing a tipster writes is rendered unescaped',
  GenericLFI_BODY: 'matches path-like text such as ../, which a tip about a web scam may contain',
  GenericRFI_BODY: 'matches URLs with an IPv4 address, the usual content of a tip about a phishing or scam link',
  EC2MetaDataSSRF_BODY: 'matches the text of link-local addresses, which is harmless in a tip that is only stored',
} as const satisfies Readonly<Record<string, string>>;

/**
 * Request fields WAF logs would otherwise carry that may hold a secret or help name a tipster:
 * officers' bearer tokens, the sealed receipt cookie (tracking code and secret), the browser,
 * where the visitor came from, and a proxy's note of the visitor's own address; and the query.
 * WAF logs never hold the body; the client address and TLS fingerprint cannot be redacted, so
 * only blocked requests are logged at all.
 */
export const redactedHeaders = ['authorization', 'cookie', 'user-agent', 'referer', 'x-forwarded-for'] as const;

/** Blocked requests are kept a month: enough to study an attack, not long enough to become a register of visitors. */
export const webAclLogRetention = logs.RetentionDays.ONE_MONTH;

/** The key of the 429 answer's body among the web ACL's custom response bodies. */
const tooManyRequestsKey = 'too-many-requests';
const retryMinutes = Math.ceil(citizenRateLimit.windowSeconds / 60);

/** What a refused citizen sees, in both languages, without script or style (nothing for a CSP to allow). */
export const tooManyRequestsPage =
  '<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
  '<title>Quá nhiều yêu cầu / Too many requests</title></head><body>' +
  `<h1>Quá nhiều yêu cầu</h1><p>Địa chỉ mạng của bạn (có thể dùng chung với người khác) đã gửi quá nhiều yêu cầu. Vui lòng thử lại sau ${retryMinutes} phút. Nếu khẩn cấp, hãy gọi 113.</p>` +
  `<h2 lang="en">Too many requests</h2><p lang="en">Your network address (which others may share) has sent too many requests. Please try again in ${retryMinutes} minutes. In an emergency, call 113.</p>` +
  '</body></html>';

export interface EdgeFirewallStackProps extends StackProps {
  readonly stage: string;
}

/**
 * The web ACL in front of the CloudFront distribution, in a stack of its own in us-east-1 (the only
 * region CloudFront web ACLs can live in); the stateless stack reads its ARN with
 * `Fn::GetStackOutput`, which crosses regions without custom resources or lookups.
 * - A rate-based rule per client address on the citizen routes (429 with Retry-After).
 * - AWS managed rules for known bad inputs (Log4j, Java deserialization, exploitable paths) and
 *   common exploits in the URI, query, headers and cookies; their body rules count only.
 * - Logs of blocked requests only, without the query, cookies, authorization or browser details.
 * Sampled requests are off: they would show every citizen's address and headers in the console.
 */
export class EdgeFirewallStack extends Stack {
  public readonly webAcl: wafv2.CfnWebACL;
  /** `aws-waf-logs-tinbao-<stage>`: blocked requests only. */
  public readonly logGroup: logs.LogGroup;
  public readonly loggingConfiguration: wafv2.CfnLoggingConfiguration;

  public constructor(scope: Construct, id: string, props: EdgeFirewallStackProps) {
    super(scope, id, { ...props, env: { ...props.env, region: edgeRegion } });
    const name = `tinbao-${props.stage}-web`;
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: false,
    });
    // Percent-encoding and dot or double slashes must not take a request past the rule: API Gateway
    // routes the decoded, normalised path.
    const normalisedPath = [
      { priority: 0, type: 'URL_DECODE' },
      { priority: 1, type: 'NORMALIZE_PATH' },
    ];
    const pathIs = (path: string): wafv2.CfnWebACL.StatementProperty => ({
      byteMatchStatement: { fieldToMatch: { uriPath: {} }, positionalConstraint: 'EXACTLY', searchString: path, textTransformations: normalisedPath },
    });
    const citizenPaths = citizenRoutePaths.flatMap((path) => [pathIs(path), pathIs(`${path}/`)]);

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name,
      description: `tinbao ${props.stage}: per-client rate limit on the citizen routes and AWS managed exploit rules, in front of the web distribution`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(name),
      customResponseBodies: { [tooManyRequestsKey]: { contentType: 'TEXT_HTML', content: tooManyRequestsPage } },
      rules: [
        {
          name: 'CitizenRoutesPerClient',
          priority: 0,
          statement: {
            rateBasedStatement: {
              limit: citizenRateLimit.requests,
              evaluationWindowSec: citizenRateLimit.windowSeconds,
              // CloudFront is the web ACL's front door, so this is the viewer's own address, not a forwarded header.
              aggregateKeyType: 'IP',
              scopeDownStatement: citizenPaths.length === 1 ? citizenPaths[0] : { orStatement: { statements: citizenPaths } },
            },
          },
          action: {
            block: {
              customResponse: {
                responseCode: 429,
                customResponseBodyKey: tooManyRequestsKey,
                responseHeaders: [{ name: 'retry-after', value: String(citizenRateLimit.windowSeconds) }],
              },
            },
          },
          visibilityConfig: visibility(`${name}-citizen-rate`),
        },
        {
          name: 'KnownBadInputs',
          priority: 10,
          overrideAction: { none: {} },
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesKnownBadInputsRuleSet' } },
          visibilityConfig: visibility(`${name}-known-bad-inputs`),
        },
        {
          name: 'CommonExploits',
          priority: 20,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name: 'AWSManagedRulesCommonRuleSet',
              ruleActionOverrides: Object.keys(countedCommonRules).map((rule) => ({ name: rule, actionToUse: { count: {} } })),
            },
          },
          visibilityConfig: visibility(`${name}-common`),
        },
      ],
    });

    // WAF requires the name prefix, and a log group ARN without the `:*` that LogGroup.logGroupArn ends with.
    const logGroupName = `aws-waf-logs-tinbao-${props.stage}`;
    this.logGroup = new logs.LogGroup(this, 'WebAclLogs', {
      logGroupName,
      retention: webAclLogRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.loggingConfiguration = new wafv2.CfnLoggingConfiguration(this, 'WebAclLogging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [this.formatArn({ service: 'logs', resource: 'log-group', resourceName: logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      redactedFields: [...redactedHeaders.map((header) => ({ singleHeader: { Name: header } })), { queryString: {} }],
      loggingFilter: {
        DefaultBehavior: 'DROP',
        Filters: [{ Behavior: 'KEEP', Requirement: 'MEETS_ANY', Conditions: [{ ActionCondition: { Action: 'BLOCK' } }] }],
      },
    });
    this.loggingConfiguration.node.addDependency(this.logGroup);

    new CfnOutput(this, webAclArnOutputName, {
      description: "The web ACL's ARN; the stateless stack's distribution reads it with Fn::GetStackOutput",
      value: this.webAcl.attrArn,
    });
  }

  /**
   * The web ACL's ARN for a stack in any region of this account: `Fn::GetStackOutput` of this
   * stack's output, resolved by CloudFormation when the consumer deploys. The consumer must be
   * deployed after this stack (`addStackDependency`).
   */
  public webAclArn(): string {
    return Fn.getStackOutput(this.stackName, webAclArnOutputName, this.region);
  }
}
