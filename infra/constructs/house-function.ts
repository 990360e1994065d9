import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { ServicePrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { join } from 'node:path';

/** The Lambda runtime of every function: the newest Node.js that this aws-cdk-lib offers. */
const HOUSE_RUNTIME = Runtime.NODEJS_24_X;

export interface HouseFunctionProps {
  /** Repository root: entries, the lock file and the tsconfig are found from here. */
  readonly projectRoot: string;
  /** Handler file relative to `projectRoot`; it exports `handler`. */
  readonly entry: string;
  /** Powertools service name, also shown in the X-Ray service map. */
  readonly serviceName: string;
  /** Variables every function shares (table, state machine, policy...), built once by the stack. */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * Memory in MB. Lambda's CPU share grows with memory; 512 MB keeps the cold start of a bundled
   * handler with the AWS SDK short without paying for idle headroom.
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Handlers do a handful of single-item DynamoDB writes and at most one SES call.
   * @default Duration.seconds(15)
   */
  readonly timeout?: Duration;
  /**
   * Retention of the function's own log group.
   * @default RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: RetentionDays;
  /** @default 'INFO' */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /**
   * Where Lambda puts an asynchronous invocation that failed after its retries. Only functions that
   * are invoked asynchronously (by SNS, EventBridge) have one: a synchronous caller gets the error.
   * @default none
   */
  readonly deadLetterQueue?: IQueue;
}

/**
 * The one way this project builds a Lambda: bundled locally by esbuild (no Docker) as ESM with
 * source maps, ARM64, X-Ray active, a log group of its own with a retention, and a role that may
 * write only to that log group until the stack grants more.
 */
export class HouseFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.THREE_MONTHS,
      // Kept when the stack is deleted; removed when a first deploy rolls back, which logged nothing.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });

    // An own role instead of AWSLambdaBasicExecutionRole: that managed policy may write to every
    // log group of the account.
    const role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    this.logGroup.grantWrite(role);

    this.function = new NodejsFunction(this, 'Function', {
      projectRoot: props.projectRoot,
      entry: join(props.projectRoot, props.entry),
      depsLockFilePath: join(props.projectRoot, 'package-lock.json'),
      handler: 'handler',
      runtime: HOUSE_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(15),
      tracing: Tracing.ACTIVE,
      role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      ...(props.deadLetterQueue === undefined ? {} : { deadLetterQueue: props.deadLetterQueue }),
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        LOG_LEVEL: props.logLevel ?? 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // The SDK versions pinned in package-lock.json are the ones the tests ran against; the
        // runtime's preinstalled SDK may be older or newer.
        bundleAwsSDK: true,
        mainFields: ['module', 'main'],
        tsconfig: join(props.projectRoot, 'tsconfig.json'),
        // CommonJS dependencies inside an ESM bundle still call require().
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
      },
    });

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions; tracing is required.',
    });
  }
}
