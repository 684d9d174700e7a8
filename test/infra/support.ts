/**
 * Shared helpers for the CDK tests: one synth per test file (bundling the functions with the
 * local esbuild takes a few seconds, so only the tests that open the bundles bundle), and small
 * readers for the synthesized templates.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { buildApp, type BuildAppOptions, type TinbaoApp } from '../../infra/build-app.ts';

/** The stage the tests synthesize; any valid name works, `test` keeps it apart from real stages. */
export const testStage = 'test';

export interface SynthesizedApp extends TinbaoApp {
  readonly outdir: string;
  /** Removes the cloud assembly directory. */
  readonly dispose: () => void;
}

/** Builds the app into a fresh temporary directory; nag checks are off unless asked for. */
export function buildTestApp(options: Omit<BuildAppOptions, 'outdir' | 'stage'> = {}): SynthesizedApp {
  const outdir = mkdtempSync(path.join(tmpdir(), 'tinbao-cdk-'));
  const dispose = () => rmSync(outdir, { recursive: true, force: true });
  try {
    const built = buildApp({
      stage: testStage,
      outdir,
      nagChecks: options.nagChecks ?? false,
      context: options.context,
      ...(options.webDirectory !== undefined && { webDirectory: options.webDirectory }),
    });
    return { ...built, outdir, dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}

/**
 * Context that skips bundling the functions (the CDK's own `aws:cdk:bundling-stacks` switch), for
 * tests that read only the templates of an app built with other context values: bundling the
 * functions takes seconds, and these tests never open the code assets.
 */
export const skipBundling = { 'aws:cdk:bundling-stacks': [] } as const;

export interface Templates extends SynthesizedApp {
  readonly statefulTemplate: Template;
  readonly statelessTemplate: Template;
  /** The stateless stack's companion in us-east-1: the CloudFront web ACL. */
  readonly edgeTemplate: Template;
}

/** Builds and synthesizes the app once and returns its stacks' templates. */
export function synthesizeTemplates(options: Omit<BuildAppOptions, 'outdir' | 'stage'> = {}): Templates {
  const built = buildTestApp(options);
  return {
    ...built,
    statefulTemplate: Template.fromStack(built.stateful),
    statelessTemplate: Template.fromStack(built.stateless),
    edgeTemplate: Template.fromStack(built.stateless.edge),
  };
}

/** The CloudFormation logical ID of a construct's default child (its L1 resource). */
export function logicalIdOf(construct: IConstruct): string {
  const element = CfnElement.isCfnElement(construct) ? construct : construct.node.defaultChild;
  assert.ok(element && CfnElement.isCfnElement(element), `${construct.node.path} has no CloudFormation resource`);
  const stack = Stack.of(element);
  return stack.resolve(stack.getLogicalId(element)) as string;
}

/** Shape of a template's resource, as far as these tests read it. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly DependsOn?: string[];
}

/** One resource of a template by logical ID; fails the test if absent. */
export function resource(template: Template, logicalId: string): TemplateResource {
  const resources = template.toJSON().Resources as Record<string, TemplateResource>;
  const found = resources[logicalId];
  assert.ok(found, `no resource ${logicalId}`);
  return found;
}

/** The properties of one resource by logical ID. */
export function propertiesOf(template: Template, logicalId: string): Record<string, unknown> {
  return resource(template, logicalId).Properties ?? {};
}

/** All resources of one type, by logical ID. */
export function resourcesOfType(template: Template, type: string): Record<string, TemplateResource> {
  return template.findResources(type) as Record<string, TemplateResource>;
}

/**
 * What a cross-stack reference in the consumer template points at in the producer template:
 * `{ 'Fn::ImportValue': name }` becomes the producer's exported value, e.g. `{ 'Fn::GetAtt': [id, 'Arn'] }`.
 */
export function exportedValue(producer: Template, value: unknown): unknown {
  assert.ok(value && typeof value === 'object' && 'Fn::ImportValue' in value, `not a cross-stack reference: ${JSON.stringify(value)}`);
  const exportName = (value as { 'Fn::ImportValue': unknown })['Fn::ImportValue'];
  const outputs = (producer.toJSON().Outputs ?? {}) as Record<string, { Value: unknown; Export?: { Name?: unknown } }>;
  const output = Object.values(outputs).find((candidate) => candidate.Export?.Name === exportName);
  assert.ok(output, `the producer exports nothing named ${JSON.stringify(exportName)}`);
  return output.Value;
}

/**
 * A template value of a consumer stack with every cross-stack reference in it (`Fn::ImportValue`)
 * resolved to what it points at in the producer template; anything else is left as it is.
 */
export function resolvedAgainst(producer: Template): (value: unknown) => unknown {
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (!value || typeof value !== 'object') return value;
    if ('Fn::ImportValue' in value) return exportedValue(producer, value);
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, resolve(inner)]));
  };
  return resolve;
}

/** An IAM policy statement as it appears in a template. */
export interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Actions of one statement, always as a list. */
export const actionsOf = (statement: Statement): string[] => asList(statement.Action);

/** Resources of one statement, always as a list. */
export const resourcesOf = (statement: Statement): unknown[] => asList(statement.Resource);

/** Every statement that grants the role something: its inline policies and every AWS::IAM::Policy attached to it. */
export function roleStatements(template: Template, roleLogicalId: string): Statement[] {
  const role = propertiesOf(template, roleLogicalId) as { Policies?: { PolicyDocument: { Statement: Statement[] } }[] };
  const inline = (role.Policies ?? []).flatMap((policy) => policy.PolicyDocument.Statement);
  const attached = Object.values(resourcesOfType(template, 'AWS::IAM::Policy'))
    .map((policy) => policy.Properties as { Roles?: unknown[]; PolicyDocument: { Statement: Statement[] } })
    .filter((policy) => (policy.Roles ?? []).some((ref) => JSON.stringify(ref) === JSON.stringify({ Ref: roleLogicalId })))
    .flatMap((policy) => policy.PolicyDocument.Statement);
  return [...inline, ...attached];
}

/** The set of actions a role is allowed, sorted. */
export function allowedActions(statements: readonly Statement[]): string[] {
  return [...new Set(statements.filter((statement) => statement.Effect === 'Allow').flatMap(actionsOf))].sort();
}

/** `{ 'Fn::GetAtt': [logicalId, 'Arn'] }` */
export const arnOf = (logicalId: string): unknown => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

/** Logical IDs a template value refers to through Ref, Fn::GetAtt or Fn::Sub (pseudo parameters left out). */
export function referencedIds(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(referencedIds);
  if (!value || typeof value !== 'object') return [];
  const found: string[] = [];
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'Ref' && typeof inner === 'string' && !inner.startsWith('AWS::')) found.push(inner);
    else if (key === 'Fn::GetAtt' && Array.isArray(inner) && typeof inner[0] === 'string') found.push(inner[0]);
    else if (key === 'Fn::GetAtt' && typeof inner === 'string') found.push(inner.split('.')[0] ?? inner);
    else if (key === 'Fn::Sub') {
      const text = Array.isArray(inner) ? inner[0] : inner;
      if (typeof text === 'string') for (const match of text.matchAll(/\$\{([^}.!]+)[^}]*\}/g)) if (match[1] && !match[1].startsWith('AWS::')) found.push(match[1]);
      found.push(...referencedIds(Array.isArray(inner) ? inner.slice(1) : []));
    } else found.push(...referencedIds(inner));
  }
  return found;
}
