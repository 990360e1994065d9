import { Annotations, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Distribution, HttpVersion, PriceClass, ResponseHeadersPolicy, ViewerProtocolPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source, type ISource } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface WebSiteProps {
  /** The built web UI (`npm run build:web`); absent means only config.json is deployed. */
  readonly distDir: string;
}

/**
 * The web UI: a private, encrypted bucket that only CloudFront may read (origin access control),
 * with access logs for both the bucket and the distribution.
 */
export class WebSite extends Construct {
  readonly distribution: Distribution;
  readonly bucket: Bucket;
  /** `https://<distribution domain>`, the page's origin (CORS, Cognito callback). */
  readonly origin: string;
  private readonly distDir: string;

  constructor(scope: Construct, id: string, props: WebSiteProps) {
    super(scope, id);

    const logBucket = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // CloudFront's standard logs are delivered with an ACL grant.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself; logging its own access would log the log writes.',
    });

    this.bucket = new Bucket(this, 'Content', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: logBucket,
      serverAccessLogsPrefix: 'content/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.distribution = new Distribution(this, 'Distribution', {
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: ResponseHeadersPolicy.SECURITY_HEADERS,
      },
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_200,
      enableLogging: true,
      logBucket,
      logFilePrefix: 'cloudfront/',
    });
    this.origin = `https://${this.distribution.distributionDomainName}`;

    const distribution = this.distribution;
    Validations.of(distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'Operators and committee members abroad (overseas platforms) must reach the UI; access is gated by Cognito, not geography.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'The distribution serves static files only; the API it calls is throttled and JWT-protected. A WAF web ACL (us-east-1, billed per rule and request) can be attached when a custom domain is added.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate cannot pin a minimum TLS version; a custom domain with its own certificate would set TLSv1.2_2021.',
      },
    );

    this.distDir = props.distDir;
  }

  /**
   * Uploads the built UI plus `config.json` (values only known at deploy time) and invalidates the
   * distribution's cache.
   */
  deploy(config: Record<string, unknown>): void {
    const sources: ISource[] = [Source.jsonData('config.json', config)];
    if (existsSync(join(this.distDir, 'index.html'))) {
      sources.unshift(Source.asset(this.distDir));
    } else {
      Annotations.of(this).addWarningV2(
        'urgent-deliberation:webDistMissing',
        `${this.distDir} has no index.html: only config.json is deployed. Run \`npm run build:web\` before \`cdk deploy\`.`,
      );
    }

    const role = new Role(this, 'DeploymentRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    const logGroup = new LogGroup(this, 'DeploymentLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new BucketDeployment(this, 'Deployment', {
      sources,
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      role,
      logGroup,
      memoryLimit: 512,
    });
    logGroup.grantWrite(role);

    // The role above is ours, but BucketDeployment writes its statements (CDK's grantRead and
    // grantReadWrite, and the invalidation) itself.
    const stack = Stack.of(this);
    const contentLogicalId = stack.resolve((this.bucket.node.defaultChild as CfnBucket).logicalId) as string;
    const deploymentAcks: Record<string, string> = {
      'Action::s3:GetObject*': 'CDK grantRead/grantReadWrite action groups, scoped to the CDK asset bucket and this site bucket.',
      'Action::s3:GetBucket*': 'CDK grantRead/grantReadWrite action groups, scoped to the CDK asset bucket and this site bucket.',
      'Action::s3:List*': 'CDK grantRead/grantReadWrite action groups, scoped to the CDK asset bucket and this site bucket.',
      'Action::s3:DeleteObject*': 'Pruning files that a new build no longer has; scoped to this site bucket.',
      'Action::s3:Abort*': 'Aborting failed multipart uploads of the build; scoped to this site bucket.',
      [`Resource::<${contentLogicalId}.Arn>/*`]: 'The deployment writes every object of the site bucket.',
      'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*':
        'The deployment reads the zipped build that `cdk deploy` uploaded to the bootstrap asset bucket.',
      'Resource::*':
        'BucketDeployment grants cloudfront:CreateInvalidation/GetInvalidation on * itself; the handler only invalidates this distribution.',
    };
    for (const [finding, reason] of Object.entries(deploymentAcks)) {
      Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    }
    const handler = stack.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (handler) {
      const fixedByCdk =
        'The runtime of the BucketDeployment handler (Python with the AWS CLI layer) is fixed by aws-cdk-lib; it runs only during deployments.';
      Validations.of(handler).acknowledge(
        { id: 'AwsSolutions-L1', reason: fixedByCdk },
        { id: 'Serverless-LambdaLatestVersion', reason: fixedByCdk },
        {
          id: 'Serverless-LambdaDLQ',
          reason:
            'CloudFormation invokes the BucketDeployment handler as a custom resource and waits for its answer: a failure fails the deployment, which rolls back. There is no event to keep for later.',
        },
        {
          id: 'Serverless-LambdaTracing',
          reason:
            "aws-cdk-lib owns the BucketDeployment handler's configuration; it copies the web build once per deployment, outside any request path.",
        },
      );
    }
  }
}
