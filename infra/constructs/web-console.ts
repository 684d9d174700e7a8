import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, IgnoreMode, RemovalPolicy, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { statusFormPage, tipFormPage } from '../../functions/http/pages.ts';
import { consoleVendorFiles } from '../definitions.ts';
import { jurisdiction } from '../../shared/jurisdictions/index.ts';
import type { PackId } from '../../shared/jurisdictions/pack.ts';
import { consoleSettings } from '../console-settings.ts';
import { consoleSecurityPolicy as sharedConsoleSecurityPolicy, hstsMaxAgeSeconds, pageSecurityPolicyFor } from '../../functions/http/security-headers.ts';

/** Where the officer console lives on the distribution; the app client's callback and sign-out URL. */
export const consolePath = '/console/';

/** The file the console and the pages read their deployment settings from, next to the pages. */
export const runtimeConfigKey = 'config.json';

/** S3 server access logs are kept this long (as long as the functions' logs), then expire. */
export const webLogRetentionDays = 90;

/** Old versions of the pages are kept this long after a deploy replaces them, to roll back by hand. */
export const noncurrentVersionDays = 30;

/** HSTS as every answer sends it (functions/http/security-headers.ts): two years, no preload. */
export const hstsMaxAge = Duration.seconds(hstsMaxAgeSeconds);

/**
 * The citizen pages' Content-Security-Policy: the one the functions send with their pages
 * (functions/http/security-headers.ts), which the local stack also serves (the drift test
 * compares), with the evidence bucket's upload origin the form's script posts files to.
 */
export function citizenPageSecurityPolicy(uploadOrigins: readonly string[]): string {
  return pageSecurityPolicyFor(uploadOrigins);
}

/**
 * The officer console's Content-Security-Policy (functions/http/security-headers.ts): requests to
 * this origin and to the hosted sign-in, for the token exchange, and with a tile provider's map
 * style to the style's origin too.
 */
export function consoleSecurityPolicy(signInOrigin: string, mapStyleOrigin?: string): string {
  return sharedConsoleSecurityPolicy([signInOrigin], mapStyleOrigin);
}

/** Where the console's browser libraries are served (consoleVendorFiles), under transport headers only. */
export const vendorPathPattern = '/vendor/*';

/** A map style URL must be https (the console is); returns its origin for the CSP. */
export function mapStyleOrigin(mapStyleUrl: string): string {
  let url: URL;
  try {
    url = new URL(mapStyleUrl);
  } catch {
    throw new Error(`Context value mapStyleUrl is not a URL: ${JSON.stringify(mapStyleUrl)}`);
  }
  if (url.protocol !== 'https:') throw new Error(`Context value mapStyleUrl must use https: ${JSON.stringify(mapStyleUrl)}`);
  return url.origin;
}

/**
 * Copies the console's browser libraries from node_modules into `directory` under their URL
 * paths, for the deployment to upload (they are installed by npm, never committed).
 */
export function stageVendorFiles(directory: string, nodeModules = fileURLToPath(new URL('../../node_modules/', import.meta.url))): string {
  rmSync(directory, { recursive: true, force: true });
  for (const [urlPath, source] of Object.entries(consoleVendorFiles)) {
    const from = join(nodeModules, source);
    if (!existsSync(from)) throw new Error(`The officer console needs ${source} (under node_modules): run npm install`);
    const to = join(directory, urlPath);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
  }
  return directory;
}

/**
 * CloudFront serves `index.html` only for `/`. Like the local stack's static server, this
 * viewer-request function serves a folder's index.html (`/console/` → `/console/index.html`) and
 * redirects a folder named without its slash to it (`/console` → `/console/`), so relative links
 * in the pages resolve inside their folder.
 */
export const directoryIndexFunctionCode = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.endsWith('/')) {
    request.uri = uri + 'index.html';
    return request;
  }
  if (uri.substring(uri.lastIndexOf('/') + 1).indexOf('.') !== -1) return request;
  var query = [];
  for (var name in request.querystring) {
    var parameter = request.querystring[name];
    var values = parameter.multiValue ? parameter.multiValue : [parameter];
    for (var i = 0; i < values.length; i++) query.push(values[i].value === '' ? name : name + '=' + values[i].value);
  }
  return {
    statusCode: 301,
    statusDescription: 'Moved Permanently',
    headers: { location: { value: uri + '/' + (query.length > 0 ? '?' + query.join('&') : '') } },
  };
}`;

/** True when `directory` exists and holds at least one file (in it or below it). */
export function hasFiles(directory: string): boolean {
  if (!existsSync(directory) || !statSync(directory).isDirectory()) return false;
  return readdirSync(directory, { recursive: true, withFileTypes: true }).some((entry) => entry.isFile());
}

export interface WebConsoleProps {
  readonly stage: string;
  /** The HTTP API's host name (`<id>.execute-api.<region>.amazonaws.com`): the origin of the API paths. */
  readonly apiDomainName: string;
  /** Path patterns CloudFront sends to the API instead of the bucket (see `apiPathPatterns`). */
  readonly apiPathPatterns: readonly string[];
  /** The officers' hosted sign-in (`https://<prefix>.auth.<region>.amazoncognito.com`): the console's token endpoint. */
  readonly signInOrigin: string;
  /**
   * The folder with the officer console and the pages' assets (the repository's `web/`). When it
   * is missing or empty, only `config.json` and the citizen pages are deployed.
   */
  readonly webDirectory: string;
  /** The deployment's jurisdiction pack: the citizen form lists its units. */
  readonly pack: PackId;
  /** Where the citizen form's script posts evidence files (the evidence bucket's regional origin): the pages' connect-src. */
  readonly uploadOrigins: readonly string[];
  /**
   * A MapLibre style from a tile provider (context `mapStyleUrl`, https): the console draws the
   * units over it. Without one the map is the units alone, with no tile server.
   */
  readonly mapStyleUrl?: string | undefined;
  /**
   * The CloudFront-scope WAF web ACL the distribution is associated with (edge-firewall.ts): a
   * per-client rate limit on the citizen routes and AWS managed exploit rules.
   */
  readonly webAclArn: string;
}

/** The citizen pages, rendered for the deployment's pack by the same code the local stack serves. */
export function citizenPages(pack: PackId): ReadonlyMap<string, string> {
  const units = jurisdiction(pack);
  return new Map([
    ['index.html', tipFormPage('vi', units)],
    ['en/index.html', tipFormPage('en', units)],
    ['status/index.html', statusFormPage('vi')],
    ['en/status/index.html', statusFormPage('en')],
  ]);
}

/**
 * The citizen pages, the officer console and the API on one origin, as in the local stack: a
 * CloudFront distribution serves the pages from a private, versioned S3 bucket (SSE-S3, TLS only,
 * server access logs to a log bucket) through Origin Access Control, and sends the API's browser
 * paths to the HTTP API uncached. The pages' forms post to their own origin and work without
 * JavaScript; the console calls the API on its own origin, so the API needs no CORS. HTTP is
 * redirected to HTTPS; every answer carries HSTS, nosniff, no referrer and no framing, and the
 * pages their Content-Security-Policy (the API's HTML answers bring their own). Every request
 * passes the web ACL first (`webAclArn`).
 *
 * CloudFront's own viewer logs are deliberately off: they always record the visitor's IP address
 * and user agent, which would place a citizen on the tip pages; see the acknowledgement below.
 */
export class WebConsole extends Construct {
  public readonly bucket: s3.Bucket;
  /** S3 server access logs of the site bucket. */
  public readonly logBucket: s3.Bucket;
  public readonly distribution: cloudfront.Distribution;
  /** The citizen pages, their script and config.json (the default behavior). */
  public readonly pageHeaders: cloudfront.ResponseHeadersPolicy;
  /** The officer console under /console/. */
  public readonly consoleHeaders: cloudfront.ResponseHeadersPolicy;
  /** The API's answers: transport headers only, the handlers set the rest. */
  public readonly apiHeaders: cloudfront.ResponseHeadersPolicy;
  /**
   * The console's browser libraries under /vendor/: transport headers only. A worker obeys the
   * CSP sent with its own file, and the pages' `default-src 'none'` would stop MapLibre's worker
   * from fetching a provider's tiles.
   */
  public readonly vendorHeaders: cloudfront.ResponseHeadersPolicy;
  /** `https://<distribution domain>` */
  public readonly url: string;
  /** `https://<distribution domain>/console/` */
  public readonly consoleUrl: string;
  readonly #webDirectory: string;
  readonly #pack: PackId;
  readonly #mapStyleUrl: string | undefined;

  public constructor(scope: Construct, id: string, props: WebConsoleProps) {
    super(scope, id);
    this.#webDirectory = props.webDirectory;
    this.#pack = props.pack;
    this.#mapStyleUrl = props.mapStyleUrl;
    const styleOrigin = props.mapStyleUrl === undefined ? undefined : mapStyleOrigin(props.mapStyleUrl);

    // A log destination itself: cdk-nag's S1 accepts it without logging of its own (logging it into itself would loop).
    this.logBucket = new s3.Bucket(this, 'LogBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(webLogRetentionDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.bucket = new s3.Bucket(this, 'SiteBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'site/',
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(noncurrentVersionDays) }],
      // The pages are rebuilt from the repository; retained so a stack deletion never fails on a non-empty bucket.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const transportHeaders = {
      strictTransportSecurity: { accessControlMaxAge: hstsMaxAge, includeSubdomains: true, override: true },
      contentTypeOptions: { override: true },
      referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
    } as const satisfies cloudfront.ResponseSecurityHeadersBehavior;
    this.pageHeaders = new cloudfront.ResponseHeadersPolicy(this, 'PageHeaders', {
      comment: `tinbao ${props.stage} citizen pages: CSP, HSTS, nosniff, no referrer, no framing`,
      securityHeadersBehavior: {
        ...transportHeaders,
        contentSecurityPolicy: { contentSecurityPolicy: citizenPageSecurityPolicy(props.uploadOrigins), override: true },
      },
    });
    this.consoleHeaders = new cloudfront.ResponseHeadersPolicy(this, 'ConsoleHeaders', {
      comment: `tinbao ${props.stage} officer console: CSP, HSTS, nosniff, no referrer, no framing`,
      securityHeadersBehavior: {
        ...transportHeaders,
        contentSecurityPolicy: { contentSecurityPolicy: consoleSecurityPolicy(props.signInOrigin, styleOrigin), override: true },
      },
    });
    this.apiHeaders = new cloudfront.ResponseHeadersPolicy(this, 'ApiHeaders', {
      comment: `tinbao ${props.stage} API through CloudFront: HSTS, nosniff, no referrer, no framing (the handlers set CSP on HTML)`,
      securityHeadersBehavior: transportHeaders,
    });
    this.vendorHeaders = new cloudfront.ResponseHeadersPolicy(this, 'VendorHeaders', {
      comment: `tinbao ${props.stage} console libraries: HSTS, nosniff, no referrer, no framing (a worker's CSP is its own)`,
      securityHeadersBehavior: transportHeaders,
    });

    const directoryIndex = new cloudfront.Function(this, 'DirectoryIndex', {
      comment: 'Serves index.html for folder URLs and adds the slash to folder names',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(directoryIndexFunctionCode),
    });
    const siteOrigin = origins.S3BucketOrigin.withOriginAccessControl(this.bucket);
    const staticBehavior = (responseHeadersPolicy: cloudfront.IResponseHeadersPolicy): cloudfront.BehaviorOptions => ({
      origin: siteOrigin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      responseHeadersPolicy,
      functionAssociations: [{ function: directoryIndex, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      compress: true,
    });
    const apiBehavior: cloudfront.BehaviorOptions = {
      origin: new origins.HttpOrigin(props.apiDomainName, {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      }),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      // Nothing of the API is cached; with caching off, the Authorization header and the query reach the API.
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      // API Gateway must see its own Host name, not the distribution's.
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: this.apiHeaders,
    };

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `tinbao ${props.stage}: citizen pages, officer console and their API`,
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      webAclId: props.webAclArn,
      defaultBehavior: staticBehavior(this.pageHeaders),
      additionalBehaviors: {
        [`${consolePath}*`]: staticBehavior(this.consoleHeaders),
        [vendorPathPattern]: staticBehavior(this.vendorHeaders),
        ...Object.fromEntries(props.apiPathPatterns.map((pattern) => [pattern, apiBehavior])),
      },
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'No geo restriction on purpose: Vietnamese citizens abroad, travellers and foreign residents must be able to report ' +
        'a crime in Ho Chi Minh City from wherever they are, and blocking countries would not stop an attacker using a VPN.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR3',
      reason:
        'CloudFront viewer logs always record the client IP address and user agent, with no way to leave them out, and would ' +
        'show who opened the anonymous tip pages and when; like the API access logs, the web tier keeps nothing that could name ' +
        'a tipster. The site bucket keeps S3 server access logs: CloudFront\'s reads and each deployment\'s writes, with no visitor\'s address.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'The distribution uses the default *.cloudfront.net certificate, whose minimum protocol cannot be raised: a TLSv1.2_2021 ' +
        'security policy needs a custom domain with an ACM certificate in us-east-1, which the police domain does not have yet. ' +
        'Every HTTP request is redirected to HTTPS and HSTS is sent.',
    });

    this.url = `https://${this.distribution.distributionDomainName}`;
    this.consoleUrl = `${this.url}${consolePath}`;
  }

  /**
   * Deploys the pages (when the web folder has any) and `config.json` with the given settings to
   * the bucket. Every file is sent with `Cache-Control: no-cache`, as the local stack sends it: the
   * files are not fingerprinted, so browsers and CloudFront revalidate them (a 304 when unchanged)
   * and a deploy shows at once without invalidating the cache.
   */
  public deploy(config: Readonly<Record<string, unknown>>): s3deploy.BucketDeployment {
    const pages = citizenPages(this.#pack);
    // Git-style patterns, anchored at the folder's root: a plain glob such as `index.html` would
    // also drop console/index.html.
    const generated = [runtimeConfigKey, ...pages.keys()].map((key) => `/${key}`);
    // Type declarations beside the console's modules are for the tests only.
    const testOnly = ['*.d.ts'];
    const vendor = stageVendorFiles(join(Stage.of(this)?.outdir ?? '.', `vendor-${this.node.addr}`));
    const sources = [
      ...(hasFiles(this.#webDirectory) ? [s3deploy.Source.asset(this.#webDirectory, { exclude: [...generated, ...testOnly], ignoreMode: IgnoreMode.GIT })] : []),
      ...[...pages].map(([key, html]) => s3deploy.Source.data(key, html)),
      s3deploy.Source.jsonData(runtimeConfigKey, { ...config, ...consoleSettings(this.#pack, this.#mapStyleUrl) }),
      s3deploy.Source.asset(vendor),
    ];
    // An explicit role and log group, like the functions': no AWS managed policy, logs kept for a while.
    const logGroup = new logs.LogGroup(this, 'DeploymentLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'DeploymentRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'tinbao web deployment: copies the pages from the CDK asset bucket into the site bucket',
    });
    logGroup.grantWrite(role);
    const deployment = new s3deploy.BucketDeployment(this, 'Deployment', {
      sources,
      destinationBucket: this.bucket,
      cacheControl: [s3deploy.CacheControl.noCache()],
      prune: true,
      role,
      logGroup,
      memoryLimit: 512,
    });

    // BucketDeployment grants its handler the CDK's standard bucket grants, which cdk-nag reports
    // action by action; they are acknowledged on this role's policy only.
    const deploymentPolicy = role.node.findChild('DefaultPolicy');
    const assetBucket = 'arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*';
    const stack = Stack.of(this);
    const siteObjects = `<${stack.resolve(stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)) as string}.Arn>/*`;
    const grants: Readonly<Record<string, string>> = {
      'Action::s3:GetObject*':
        'BucketDeployment reads the staged zips of the pages and config.json from the CDK bootstrap asset bucket and lists ' +
        'the site bucket to sync it; the CDK grants this as s3:GetObject* (object and version reads), on those two buckets only.',
      'Action::s3:GetBucket*':
        'The CDK read grant BucketDeployment gives its handler on the asset bucket and the site bucket (bucket location and ' +
        'settings that the AWS CLI sync reads); it names those two buckets only and allows no write.',
      'Action::s3:List*':
        'aws s3 sync lists the site bucket to find what changed and what to remove (prune), and the asset bucket to fetch the ' +
        'sources; the CDK grants listing as s3:List* on those two buckets only.',
      [`Resource::${assetBucket}`]:
        'The staged sources are objects of the CDK bootstrap asset bucket whose keys are content hashes known only to the ' +
        'deployment; the grant is read-only and covers that bucket, which holds nothing but deployment assets.',
      'Action::s3:DeleteObject*':
        'The deployment prunes files removed from web/ so the site is exactly the folder: it deletes objects of the site bucket ' +
        `only (the bucket is versioned, so a deleted page can be restored for ${noncurrentVersionDays} days).`,
      'Action::s3:Abort*':
        'Multipart uploads of the sync may be aborted when a deployment fails; the CDK grants this as s3:Abort* on the site ' +
        'bucket only, which holds nothing but the public pages.',
      [`Resource::${siteObjects}`]:
        'The handler writes and prunes every page of the site, so it needs all objects of the site bucket; that bucket holds ' +
        'only the public pages and config.json, never tip data.',
    };
    for (const [finding, reason] of Object.entries(grants)) {
      Validations.of(deploymentPolicy).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    }
    // The handler is a singleton function of the stack, named after BucketDeployment's handler and its memory.
    for (const child of stack.node.children) {
      if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
      Validations.of(child).acknowledge({
        id: 'AwsSolutions-L1',
        reason:
          "BucketDeployment's handler runs the Python runtime aws-cdk-lib builds it and its AWS CLI layer for; the project " +
          'cannot choose another. It runs only during deployments, and moves to the newer runtime when aws-cdk-lib does.',
      });
    }
    return deployment;
  }
}
