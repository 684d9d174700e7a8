/**
 * The CloudFront web ACL (infra/constructs/edge-firewall.ts, docs/decisions/0014): where it lives,
 * how the distribution reaches it, the per-client rate limit on the citizen routes, the managed
 * rules, and logs that keep neither tip text nor what could name a tipster beyond what WAF always logs.
 */
import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import {
  citizenRateLimit,
  citizenRoutePaths,
  countedCommonRules,
  edgeRegion,
  redactedHeaders,
  tooManyRequestsPage,
  webAclArnOutputName,
  webAclLogRetention,
} from '../../infra/constructs/edge-firewall.ts';
import { apiRoutes } from '../../infra/definitions.ts';
import { webhookFunctionNames } from '../../infra/stateless-stack.ts';
import { logicalIdOf, propertiesOf, resource, resourcesOfType, skipBundling, synthesizeTemplates } from './support.ts';

const synthesized = synthesizeTemplates({ context: skipBundling });
afterAll(() => synthesized.dispose());

const { stateful, stateless, statelessTemplate, edgeTemplate } = synthesized;
const edge = stateless.edge;
const webAclId = logicalIdOf(edge.webAcl);
const acl = propertiesOf(edgeTemplate, webAclId);

interface Statement {
  readonly ByteMatchStatement?: { FieldToMatch: Record<string, unknown>; PositionalConstraint: string; SearchString: string; TextTransformations: { Priority: number; Type: string }[] };
  readonly OrStatement?: { Statements: Statement[] };
  readonly RateBasedStatement?: { Limit: number; EvaluationWindowSec: number; AggregateKeyType: string; ScopeDownStatement?: Statement; ForwardedIPConfig?: unknown };
  readonly ManagedRuleGroupStatement?: { VendorName: string; Name: string; RuleActionOverrides?: { Name: string; ActionToUse: Record<string, unknown> }[] };
}
interface Visibility {
  readonly CloudWatchMetricsEnabled: boolean;
  readonly SampledRequestsEnabled: boolean;
  readonly MetricName: string;
}
interface Rule {
  readonly Name: string;
  readonly Priority: number;
  readonly Statement: Statement;
  readonly Action?: { Block?: { CustomResponse?: { ResponseCode: number; CustomResponseBodyKey?: string; ResponseHeaders?: { Name: string; Value: string }[] } } };
  readonly OverrideAction?: Record<string, unknown>;
  readonly VisibilityConfig: Visibility;
}
const rules = acl.Rules as Rule[];
const ruleWith = (predicate: (statement: Statement) => boolean): Rule => {
  const found = rules.filter((candidate) => predicate(candidate.Statement));
  assert.equal(found.length, 1, 'one rule of that kind');
  return found[0]!;
};
const rateRule = ruleWith((statement) => statement.RateBasedStatement !== undefined);
const managed = (name: string) => ruleWith((statement) => statement.ManagedRuleGroupStatement?.Name === name);

/** WAF's URL_DECODE and NORMALIZE_PATH, as far as a path needs them. */
const transformations: Record<string, (value: string) => string> = {
  URL_DECODE: (value) => {
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  },
  NORMALIZE_PATH: (value) => {
    const segments: string[] = [];
    for (const segment of value.replace(/\/{2,}/g, '/').split('/')) {
      if (segment === '.') continue;
      if (segment === '..' && segments.length > 1) segments.pop();
      else segments.push(segment);
    }
    return segments.join('/');
  },
};
/** Whether the rate rule's scope-down statement counts a request to `path`. */
function counts(statement: Statement, path: string): boolean {
  if (statement.OrStatement) return statement.OrStatement.Statements.some((inner) => counts(inner, path));
  const match = statement.ByteMatchStatement;
  assert.ok(match, `unexpected statement ${JSON.stringify(statement)}`);
  assert.deepEqual(match.FieldToMatch, { UriPath: {} });
  const value = [...match.TextTransformations].sort((a, b) => a.Priority - b.Priority).reduce((current, step) => {
    const transform = transformations[step.Type];
    assert.ok(transform, `no model of ${step.Type}`);
    return transform(current);
  }, path);
  assert.equal(match.PositionalConstraint, 'EXACTLY');
  return value === match.SearchString;
}

describe('the edge stack', () => {
  it('is in us-east-1, the one region a CloudFront web ACL can be made in, and is deployed before the stateless stack', () => {
    assert.equal(edge.region, edgeRegion);
    assert.equal(edgeRegion, 'us-east-1');
    assert.ok(stateless.dependencies.includes(edge), 'the stateless stack does not wait for the edge stack');
    assert.deepEqual(edge.dependencies, []);
    assert.ok(!stateful.dependencies.includes(edge));
    assert.doesNotMatch(JSON.stringify(edgeTemplate.toJSON()), /Fn::ImportValue/, 'the edge stack refers to nothing of the other stacks');
  });

  it('holds a CloudFront-scope web ACL that lets through whatever no rule blocks', () => {
    assert.equal(acl.Scope, 'CLOUDFRONT');
    assert.deepEqual(acl.DefaultAction, { Allow: {} });
  });

  it("is associated with the distribution: its WebACLId is the edge stack's output of the ACL's ARN, read across regions", () => {
    const distribution = propertiesOf(statelessTemplate, logicalIdOf(stateless.web.distribution)).DistributionConfig as { WebACLId?: unknown };
    assert.deepEqual(distribution.WebACLId, {
      'Fn::GetStackOutput': { StackName: edge.stackName, OutputName: webAclArnOutputName, Region: edgeRegion },
    });
    edgeTemplate.hasOutput(webAclArnOutputName, { Value: { 'Fn::GetAtt': [webAclId, 'Arn'] } });
    const outputs = edgeTemplate.toJSON().Outputs as Record<string, { Export?: unknown }>;
    assert.equal(outputs[webAclArnOutputName]?.Export, undefined, 'Fn::GetStackOutput needs no export, which would pin the ACL');
  });
});

describe('the rate-based rule', () => {
  const statement = rateRule.Statement.RateBasedStatement!;

  it('counts the requests of each client IP address, aggregated over five minutes, before any other rule', () => {
    assert.equal(statement.AggregateKeyType, 'IP', 'the address CloudFront sees, not a header the client writes');
    assert.equal(statement.ForwardedIPConfig, undefined);
    assert.equal(statement.Limit, citizenRateLimit.requests);
    assert.equal(statement.EvaluationWindowSec, citizenRateLimit.windowSeconds);
    assert.deepEqual(citizenRateLimit, { requests: 300, windowSeconds: 300 });
    assert.equal(Math.min(...rules.map((candidate) => candidate.Priority)), rateRule.Priority, 'a flood is counted before the managed rules spend time on it');
  });

  it('refuses the rest of the window with 429, Retry-After and a page in Vietnamese and English', () => {
    const response = rateRule.Action?.Block?.CustomResponse;
    assert.ok(response, 'the rule does not block');
    assert.equal(response.ResponseCode, 429);
    assert.deepEqual(response.ResponseHeaders, [{ Name: 'retry-after', Value: String(citizenRateLimit.windowSeconds) }]);
    const bodies = acl.CustomResponseBodies as Record<string, { ContentType: string; Content: string }>;
    const body = bodies[response.CustomResponseBodyKey ?? ''];
    assert.ok(body, 'no custom body');
    assert.equal(body.ContentType, 'TEXT_HTML');
    assert.equal(body.Content, tooManyRequestsPage);
    assert.match(body.Content, /<meta charset="utf-8">/);
    assert.match(body.Content, /Quá nhiều yêu cầu/);
    assert.match(body.Content, /Too many requests/);
    assert.match(body.Content, /113/);
    assert.doesNotMatch(body.Content, /<script|<style|\sstyle=|\son\w+=|<link|<img/i, 'the page needs nothing a CSP would have to allow');
    assert.ok(Buffer.byteLength(body.Content) <= 4096, "WAF's limit for a custom response body");
  });

  it('counts exactly the citizen routes, however the path is spelled, and no officer route or SMS webhook', () => {
    const scope = statement.ScopeDownStatement;
    assert.ok(scope, 'the rule counts every request, pages and officers included');
    const concrete = (path: string) => path.replaceAll(/\{\w+\}/g, '01JB8ZK3M2T5W6X7Y8Z9A0B1C2');
    for (const route of apiRoutes) {
      const citizen = route.auth === undefined && !(webhookFunctionNames as readonly string[]).includes(route.function);
      const path = concrete(route.path);
      assert.equal(counts(scope, path), citizen, `${route.method} ${route.path}`);
      assert.equal(counts(scope, `${path}/`), citizen, `${route.method} ${route.path}/`);
    }
    for (const spelling of ['/tips/%73tatus', '/tips//status', '/tips/./status', '/tips/x/../status/messages']) {
      assert.ok(counts(scope, spelling), `${spelling} escapes the limit`);
    }
    for (const other of ['/', '/en/', '/status/', '/console/', '/config.json', '/queue', '/sms/inbound', '/tips/01JB8ZK3M2T5W6X7Y8Z9A0B1C2/status']) {
      assert.ok(!counts(scope, other), `${other} is limited as a citizen route`);
    }
  });

  it('derives the citizen routes from the route definitions, so a new public route is limited from its first deploy', () => {
    const publicBrowserPaths = apiRoutes
      .filter((route) => route.auth === undefined && !(webhookFunctionNames as readonly string[]).includes(route.function))
      .map((route) => route.path);
    assert.deepEqual([...citizenRoutePaths].sort(), [...new Set(publicBrowserPaths)].sort());
    assert.ok(citizenRoutePaths.includes('/tips') && citizenRoutePaths.includes('/tips/status/messages'));
  });
});

describe('the managed rules', () => {
  it('block known bad inputs (Log4j, Java deserialization, exploitable paths) with the AWS rule group as AWS keeps it', () => {
    const rule = managed('AWSManagedRulesKnownBadInputsRuleSet');
    assert.equal(rule.Statement.ManagedRuleGroupStatement?.VendorName, 'AWS');
    assert.deepEqual(rule.OverrideAction, { None: {} }, "the group's own actions apply: it blocks");
    assert.equal(rule.Statement.ManagedRuleGroupStatement?.RuleActionOverrides, undefined);
  });

  it('block common exploits in the URI, query, headers and cookies, and only count the rules that read a body (tips of up to 64 KiB)', () => {
    const rule = managed('AWSManagedRulesCommonRuleSet');
    assert.equal(rule.Statement.ManagedRuleGroupStatement?.VendorName, 'AWS');
    assert.deepEqual(rule.OverrideAction, { None: {} });
    const overrides = rule.Statement.ManagedRuleGroupStatement?.RuleActionOverrides ?? [];
    assert.deepEqual(overrides.map((override) => override.Name).sort(), Object.keys(countedCommonRules).sort());
    for (const override of overrides) {
      assert.deepEqual(override.ActionToUse, { Count: {} }, override.Name);
      assert.match(override.Name, /_BODY$/, `${override.Name} is not a body rule: it should keep blocking`);
    }
    // 8 KB would refuse a long tip from the no-JavaScript form, whose body the handlers accept up to 64 KiB.
    assert.ok(overrides.some((override) => override.Name === 'SizeRestrictions_BODY'));
  });
});

describe('the web ACL logs', () => {
  const logging = Object.values(resourcesOfType(edgeTemplate, 'AWS::WAFv2::LoggingConfiguration')).map((found) => found.Properties ?? {});
  const logGroupId = logicalIdOf(edge.logGroup);
  const logGroup = propertiesOf(edgeTemplate, logGroupId);
  const config = logging.find((candidate) => JSON.stringify(candidate.ResourceArn) === JSON.stringify({ 'Fn::GetAtt': [webAclId, 'Arn'] }));

  it('go to a CloudWatch log group WAF accepts: named aws-waf-logs-…, named by an ARN without the trailing :*', () => {
    assert.ok(config, 'the web ACL is not logged');
    const name = logGroup.LogGroupName as string;
    assert.match(name, /^aws-waf-logs-/);
    const destinations = config.LogDestinationConfigs as { 'Fn::Join': [string, unknown[]] }[];
    assert.equal(destinations.length, 1);
    const parts = destinations[0]!['Fn::Join'][1];
    assert.equal(parts.at(-1), `:log-group:${name}`);
    assert.ok(parts.some((part) => part === `:logs:${edgeRegion}:`), `not a CloudWatch Logs ARN in ${edgeRegion}: ${JSON.stringify(parts)}`);
    assert.ok(resource(edgeTemplate, logicalIdOf(edge.loggingConfiguration)).DependsOn?.includes(logGroupId), 'logging may be configured before the group exists');
  });

  it('keep only blocked requests, for a month: WAF always logs the client address, so allowed citizens are never logged', () => {
    assert.deepEqual(config?.LoggingFilter, {
      DefaultBehavior: 'DROP',
      Filters: [{ Behavior: 'KEEP', Requirement: 'MEETS_ANY', Conditions: [{ ActionCondition: { Action: 'BLOCK' } }] }],
    });
    assert.equal(logGroup.RetentionInDays, webAclLogRetention);
    assert.equal(webAclLogRetention, 30);
  });

  it('redact the query, the cookies (the sealed receipt), officers\' tokens and what describes the visitor; WAF never logs a body', () => {
    const redacted = (config?.RedactedFields ?? []) as Record<string, unknown>[];
    assert.deepEqual(redacted, [...redactedHeaders.map((name) => ({ SingleHeader: { Name: name } })), { QueryString: {} }]);
    for (const header of ['authorization', 'cookie', 'user-agent', 'x-forwarded-for']) assert.ok((redactedHeaders as readonly string[]).includes(header), header);
  });

  it('are the only record: no sampled requests (they would show every citizen\'s address and headers), metrics for every rule', () => {
    for (const visibility of [acl.VisibilityConfig as Visibility, ...rules.map((rule) => rule.VisibilityConfig)]) {
      assert.equal(visibility.SampledRequestsEnabled, false, visibility.MetricName);
      assert.equal(visibility.CloudWatchMetricsEnabled, true, visibility.MetricName);
    }
    assert.equal(new Set(rules.map((rule) => rule.VisibilityConfig.MetricName)).size, rules.length, 'each rule has a metric of its own');
  });
});
