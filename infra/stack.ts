import { Aws, CfnOutput, Duration, Fn, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import {
  CorsHttpMethod,
  HttpApi,
  type HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, BillingMode, type CfnTable, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Key } from 'aws-cdk-lib/aws-kms';
import { ConfigurationSet } from 'aws-cdk-lib/aws-ses';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { CASE_BATCH_MACHINE } from '../statemachines/case-workflow';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Policy } from '../shared/domain/policy';
import { GLOBAL_SECONDARY_INDEXES, TABLE_KEYS } from '../shared/store/table';
import { UNSUCCESSFUL_ENDS } from '../shared/services/workflow-payloads';
import { DeliveryEvents, deadLetterQueue } from './constructs/delivery-events';
import { HouseFunction } from './constructs/house-function';
import { Identity } from './constructs/identity';
import { MachineClients, type MachineClientSpec } from './constructs/machine-clients';
import { Monitoring } from './constructs/monitoring';
import { WEBHOOK_SENDER_TIMEOUT, WebhookDelivery } from './constructs/webhook-delivery';
import { WebSite } from './constructs/web-site';
import { apiFunctions, eventFunctions, scheduledFunctions, webhookQueueFunction, workflowFunctions } from './functions';

export interface UrgentDeliberationStackProps extends StackProps {
  /** Repository root: handler entries, statemachines/case-workflow.asl.json and web/dist are found from here. */
  readonly projectRoot: string;
  /** The resolved policy, handed to every handler as POLICY_JSON. */
  readonly policy: Policy;
  /** Domain verified in SES; notices go out from `notices@<noticeDomain>`. */
  readonly noticeDomain: string;
  /** Where escalations, overdue and failure notices go. */
  readonly staffEmails: readonly string[];
  /** Cognito user names eligible to vote. */
  readonly committeeMembers: readonly string[];
  /** Prefix of the Cognito hosted sign-in domain; must be unique in the region. */
  readonly authDomainPrefix: string;
  /** Staff addresses subscribed (through SNS, not SES) to the alarm topic; each confirms by e-mail. */
  readonly alarmEmails: readonly string[];
  /** Operators' own systems (client-credentials grant) and their scopes; none when absent. */
  readonly machineClients?: readonly MachineClientSpec[];
}

const TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
] as const;

const API_ROUTE = /^(GET|POST|PUT|PATCH|DELETE) (\/\S*)$/;

export class UrgentDeliberationStack extends Stack {
  readonly table: Table;
  readonly stateMachine: StateMachine;
  readonly api: HttpApi;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: UrgentDeliberationStackProps) {
    super(scope, id, props);
    const root = props.projectRoot;

    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of GLOBAL_SECONDARY_INDEXES) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }

    // Every notice is sent with this configuration set: its event destination says what became of
    // each (delivered, bounced, complained, rejected).
    const noticeEvents = new ConfigurationSet(this, 'NoticeEvents', { reputationMetrics: true });
    // The domain is verified in SES before the first deploy (docs/deploying.md), not made here:
    // Cognito refuses a sender whose identity is not yet verified, and an identity made by the
    // stack would be verified only after it, with new DKIM records after every teardown.
    const noticeSender = `notices@${props.noticeDomain}`;
    const configurationSetArn = this.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: noticeEvents.configurationSetName,
    });
    // SES authorizes a send on the sender's identity and on the configuration set named in it; in
    // the sandbox also on each recipient's identity. Hence every identity, but only as the notice
    // sender: no other From address of the account's identities can be used.
    const sendNotices = (fn: HouseFunction): void => {
      fn.function.addToRolePolicy(
        new PolicyStatement({
          actions: ['ses:SendEmail', 'ses:SendRawEmail'],
          resources: [this.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' })],
          conditions: { StringEquals: { 'ses:FromAddress': noticeSender } },
        }),
      );
      fn.function.addToRolePolicy(
        new PolicyStatement({ actions: ['ses:SendEmail', 'ses:SendRawEmail'], resources: [configurationSetArn] }),
      );
    };

    // The functions need the state machine's ARN and the state machine needs theirs: a fixed name
    // gives the ARN without a reference, so there is no cycle.
    const stateMachineName = `${this.stackName}-case-workflow`;
    const stateMachineArn = `arn:${Aws.PARTITION}:states:${Aws.REGION}:${Aws.ACCOUNT_ID}:stateMachine:${stateMachineName}`;
    const executionArns = `arn:${Aws.PARTITION}:states:${Aws.REGION}:${Aws.ACCOUNT_ID}:execution:${stateMachineName}:*`;
    // The case workflow runs each batch of orders or appeals as a child execution of this one.
    const batchMachineName = `${this.stackName}-case-batch`;
    const batchMachineArn = `arn:${Aws.PARTITION}:states:${Aws.REGION}:${Aws.ACCOUNT_ID}:stateMachine:${batchMachineName}`;
    const batchExecutionArns = `arn:${Aws.PARTITION}:states:${Aws.REGION}:${Aws.ACCOUNT_ID}:execution:${batchMachineName}:*`;

    const environment = {
      TABLE_NAME: this.table.tableName,
      STATE_MACHINE_ARN: stateMachineArn,
      POLICY_JSON: JSON.stringify(props.policy),
      NOTICE_FROM: noticeSender,
      STAFF_EMAILS: props.staffEmails.join(','),
      COMMITTEE_MEMBERS: props.committeeMembers.join(','),
      SES_CONFIGURATION_SET: noticeEvents.configurationSetName,
    };

    const everyFunction: HouseFunction[] = [];
    const make = (id: string, entry: string, serviceName: string, timeout: Duration, deadLetterQueue?: IQueue): HouseFunction => {
      const fn = new HouseFunction(this, id, {
        projectRoot: root,
        entry,
        serviceName,
        environment,
        timeout,
        ...(deadLetterQueue === undefined ? {} : { deadLetterQueue }),
      });
      everyFunction.push(fn);
      return fn;
    };
    // Webhook deliveries: the table lists what is due, the queue feeds the sender.
    const webhookDelivery = new WebhookDelivery(this, 'WebhookDelivery');
    // What shared/store's repository does: single-item reads and conditional writes, and queries on
    // the table and its GSIs. No Scan: every listing has an index. A function that writes records
    // runs their follow-ups, and a notice's follow-up queues its webhook events: it is a producer.
    const useTable = (fn: HouseFunction): void => {
      this.table.grant(fn.function, ...TABLE_ACTIONS);
      webhookDelivery.addProducer(fn.function);
    };
    const controlWorkflow = (fn: HouseFunction): void => {
      fn.function.addToRolePolicy(
        new PolicyStatement({
          actions: ['states:StartExecution', 'states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
          resources: [stateMachineArn],
        }),
      );
      fn.function.addToRolePolicy(new PolicyStatement({ actions: ['states:DescribeExecution'], resources: [executionArns] }));
    };

    // ---- workflow tasks
    const workflowFns = Object.entries(workflowFunctions).map(([name, entry]) => {
      const fn = make(`Workflow${name}`, entry, 'urgent-deliberation-workflow', Duration.seconds(60));
      useTable(fn);
      controlWorkflow(fn);
      // Notices go out from the workflow services, which several tasks share; a per-task list would
      // drift with every service change and fail only in the cloud. The identity bounds the grant.
      sendNotices(fn);
      Validations.of(fn.function).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          'Step Functions invokes the workflow tasks synchronously (lambda:invoke); a failure returns to the state machine, whose Retry and Catch (RecordFailure) handle it. A dead-letter queue receives only asynchronous invocations.',
      });
      return { name, fn };
    });

    // ---- the sweeper (safety net: reminders, overdue deadlines, reviews whose time is up)
    const deadLetterQueues: Record<string, IQueue> = {};
    const scheduledFns: HouseFunction[] = [];
    for (const scheduled of scheduledFunctions) {
      // Done before the next run starts.
      const timeout = Duration.seconds(scheduled.everySeconds - 5);
      const fn = make(`Scheduled${scheduled.name}`, scheduled.entry, 'urgent-deliberation-scheduled', timeout);
      useTable(fn);
      controlWorkflow(fn);
      sendNotices(fn);
      // A schedule that EventBridge cannot deliver (a lost permission, throttling) would stop the
      // safety net without an error anywhere: its events land here, and an alarm says so.
      const undelivered = deadLetterQueue(this, `${scheduled.name}ScheduleDeadLetters`, `the ${scheduled.name} schedule`);
      deadLetterQueues[`${scheduled.name}Schedule`] = undelivered;
      new Rule(this, `${scheduled.name}Schedule`, {
        description: `Runs ${scheduled.name} every ${scheduled.everySeconds} s`,
        schedule: Schedule.rate(Duration.seconds(scheduled.everySeconds)),
        // The next run is at most one period away; retrying a stale run only doubles the work.
        targets: [new LambdaFunction(fn.function, { retryAttempts: 0, deadLetterQueue: undelivered })],
      });
      Validations.of(fn.function).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason: `A failed run of ${scheduled.name} has nothing to redo later: the next run, ${scheduled.everySeconds} s on, looks again. Its failures raise the SweeperErrors alarm, and events EventBridge could not deliver go to the schedule's dead-letter queue.`,
      });
      scheduledFns.push(fn);
    }

    // ---- functions for other services' events (SES delivery events through SNS; Step Functions' execution ends)
    // One key for the two topics (delivery events, staff alarms); each adds the service that publishes.
    const topicKey = new Key(this, 'TopicKey', {
      description: 'Encrypts the SES delivery-events topic and the staff-alarm topic',
      enableKeyRotation: true,
    });
    for (const spec of eventFunctions) {
      // SNS invokes asynchronously: an invocation that still fails after Lambda's retries lands here.
      const failed = deadLetterQueue(this, `${spec.name}DeadLetters`, `the ${spec.name} function`);
      deadLetterQueues[spec.name] = failed;
      const fn = make(`Events${spec.name}`, spec.entry, 'urgent-deliberation-events', Duration.seconds(30), failed);
      // Recording an event is an act on the notice's order or case: its follow-ups may alert staff,
      // complete a wait or start work, like any other act.
      useTable(fn);
      controlWorkflow(fn);
      sendNotices(fn);
      switch (spec.source) {
        case 'ses-delivery-events': {
          const events = new DeliveryEvents(this, 'DeliveryEvents', {
            configurationSet: noticeEvents,
            handler: fn.function,
            key: topicKey,
          });
          deadLetterQueues[`${spec.name}Subscription`] = events.subscriptionDeadLetters;
          break;
        }
        case 'sfn-execution-status': {
          // An execution that ends in a way no Catch sees (States.Runtime, a payload or history
          // limit, the one-year cap, an abort) still marks its case FAILED and tells staff. The
          // case workflow's only: a batch's child execution that ends so fails its parent's task
          // (startExecution.sync:2), which the parent's Catch records, or which ends the parent.
          const undelivered = deadLetterQueue(this, `${spec.name}RuleDeadLetters`, `the ${spec.name} rule`);
          deadLetterQueues[`${spec.name}Rule`] = undelivered;
          new Rule(this, `${spec.name}Rule`, {
            description: 'Records a case workflow execution that ended FAILED, TIMED_OUT or ABORTED',
            eventPattern: {
              source: ['aws.states'],
              detailType: ['Step Functions Execution Status Change'],
              detail: { status: [...UNSUCCESSFUL_ENDS], stateMachineArn: [stateMachineArn] },
            },
            // Recording is idempotent: EventBridge retries for a day, then keeps the event for staff.
            targets: [
              new LambdaFunction(fn.function, { retryAttempts: 185, maxEventAge: Duration.hours(24), deadLetterQueue: undelivered }),
            ],
          });
          break;
        }
      }
    }

    // ---- the webhook sender: the delivery queue's consumer, not a producer (it never sends to the queue)
    deadLetterQueues.WebhookDeliveries = webhookDelivery.deadLetters;
    const webhookSender = make(
      `Events${webhookQueueFunction.name}`,
      webhookQueueFunction.entry,
      'urgent-deliberation-events',
      WEBHOOK_SENDER_TIMEOUT,
    );
    this.table.grant(webhookSender.function, ...TABLE_ACTIONS);
    // It e-mails an operator whose endpoint it disabled.
    sendNotices(webhookSender);
    webhookDelivery.attachSender(webhookSender.function);

    // ---- the case workflow, and the state machine of its batches (child executions)
    const functionSubstitutions = Object.fromEntries(workflowFns.map(({ name, fn }) => [`${name}FunctionArn`, fn.function.functionArn]));
    const workflowMachine = (
      ids: { readonly machine: string; readonly logs: string },
      name: string,
      file: string,
      substitutions: Record<string, string>,
    ): StateMachine => {
      const logs = new LogGroup(this, ids.logs, {
        // The vended-logs prefix keeps Step Functions from growing the account's log resource policy.
        // The stack id's suffix makes the name new for each stack: the group of a deleted stack is
        // kept as a record and would otherwise stand in the way of the next deploy.
        logGroupName: `/aws/vendedlogs/states/${name}-${Fn.select(2, Fn.split('/', Aws.STACK_ID))}`,
        retention: RetentionDays.ONE_YEAR,
        removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
      });
      const machine = new StateMachine(this, ids.machine, {
        stateMachineName: name,
        stateMachineType: StateMachineType.STANDARD,
        definitionBody: DefinitionBody.fromString(readFileSync(join(root, 'statemachines', file), 'utf8')),
        definitionSubstitutions: { ...functionSubstitutions, ...substitutions },
        // Execution data would put task tokens and case contents in the logs.
        logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
        tracingEnabled: true,
      });
      // Unqualified ARNs only, as the ASL names them: no `:*` version or alias wildcard.
      machine.addToRolePolicy(
        new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: workflowFns.map(({ fn }) => fn.function.functionArn) }),
      );
      Validations.of(machine).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Step Functions log delivery (logs:CreateLogDelivery and related) and X-Ray (PutTraceSegments) support no resource-level permissions.',
      });
      return machine;
    };
    const batchMachine = workflowMachine({ machine: 'CaseBatch', logs: 'BatchLogs' }, batchMachineName, 'case-batch.asl.json', {});
    // The ids of the case workflow's resources are those it had before it had batches: a new id would replace them.
    this.stateMachine = workflowMachine({ machine: 'CaseWorkflow', logs: 'WorkflowLogs' }, stateMachineName, 'case-workflow.asl.json', {
      [`${CASE_BATCH_MACHINE}StateMachineArn`]: batchMachine.stateMachineArn,
    });
    // startExecution.sync:2: start the child, watch it end through Step Functions' managed rule, stop it when the case's execution stops.
    this.stateMachine.addToRolePolicy(new PolicyStatement({ actions: ['states:StartExecution'], resources: [batchMachineArn] }));
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({ actions: ['states:DescribeExecution', 'states:StopExecution'], resources: [batchExecutionArns] }),
    );
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        resources: [`arn:${Aws.PARTITION}:events:${Aws.REGION}:${Aws.ACCOUNT_ID}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule`],
      }),
    );
    Validations.of(this.stateMachine).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${batchMachineName}:*]`,
      reason:
        "The child executions' names (caseId-kind-batch-retry) are made at run time; the wildcard covers only the batch state machine's executions.",
    });

    // ---- web hosting and sign-in
    const site = new WebSite(this, 'Web', { distDir: join(root, 'web', 'dist') });
    const identity = new Identity(this, 'Identity', {
      domainPrefix: props.authDomainPrefix,
      webOrigin: site.origin,
      emailSender: noticeSender,
      emailDomain: props.noticeDomain,
    });

    // ---- the HTTP API
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    this.api = new HttpApi(this, 'Api', {
      description: 'Urgent deletion orders: reports, approvals, orders, committee review, appeals',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [site.origin],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PATCH, CorsHttpMethod.OPTIONS],
        allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
        // The web UI waits as long as a 503 or 429 says before sending a filing again.
        exposeHeaders: ['retry-after'],
        maxAge: Duration.hours(1),
      },
    });
    new HttpStage(this, 'ApiDefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // Ids, status and timing only: no headers (tokens) and no bodies (case data).
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            routeKey: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });

    const machineClients = new MachineClients(this, 'MachineClients', {
      userPool: identity.userPool,
      clients: props.machineClients ?? [],
    });
    // A client-credentials token has no `aud`; API Gateway then checks its `client_id` against the same list.
    const authorizer = new HttpJwtAuthorizer('CognitoJwt', identity.userPool.userPoolProviderUrl, {
      jwtAudience: [identity.client.userPoolClientId, ...machineClients.clients.map(({ client }) => client.userPoolClientId)],
    });
    const none = new HttpNoneAuthorizer();
    for (const spec of apiFunctions) {
      const fn = make(`Api${spec.name}`, spec.entry, 'urgent-deliberation-api', Duration.seconds(15));
      fn.function.addEnvironment('MACHINE_CLIENTS', machineClients.setting);
      Validations.of(fn.function).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          'The HTTP API invokes its handlers synchronously: the caller gets the error response and may retry (acts are idempotent). A dead-letter queue receives only asynchronous invocations.',
      });
      // A public route is one without a user token, not one without data: the public objection
      // page, the public statistics and partners' signed messages read and write the table.
      if (!spec.readsNoData) {
        useTable(fn);
        controlWorkflow(fn);
      }
      const integration = new HttpLambdaIntegration(`${spec.name}Integration`, fn.function);
      for (const routeKey of spec.routes) {
        const match = API_ROUTE.exec(routeKey);
        if (!match?.[1] || !match[2]) throw new Error(`infra/functions.ts: route "${routeKey}" is not "METHOD /path"`);
        const isPublic = spec.publicRoutes?.includes(routeKey) ?? false;
        const [route] = this.api.addRoutes({
          path: match[2],
          methods: [match[1] as HttpMethod],
          integration,
          authorizer: isPublic ? none : authorizer,
        });
        if (isPublic && route) {
          Validations.of(route).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason: spec.readsNoData
              ? `${routeKey} answers from memory (a liveness probe, the API description) and reads no data.`
              : `${routeKey} is public by design (infra/functions.ts): a poster without an account, the published statistics, or a partner whose message carries its own signature; the handler checks what it accepts.`,
          });
        }
      }
    }

    // ---- config.json: what the page learns at deploy time
    // The $default stage has no path segment, so the endpoint is the base URL.
    const apiUrl = this.api.apiEndpoint;
    // E-mails link to the web UI and the API, which exist only once the functions do.
    for (const fn of everyFunction) {
      fn.function.addEnvironment('PUBLIC_BASE_URL', site.origin);
      fn.function.addEnvironment('API_BASE_URL', apiUrl);
    }
    site.deploy({
      apiUrl,
      local: false,
      region: Aws.REGION,
      userPoolId: identity.userPool.userPoolId,
      clientId: identity.client.userPoolClientId,
      cognitoDomain: identity.domain.baseUrl(),
      policy: {
        id: props.policy.id,
        timeZone: props.policy.timeZone,
        language: props.policy.language,
        urgentApprovals: props.policy.urgentApprovals,
      },
    });

    // ---- acknowledgements shared by many function roles (exact finding ids)
    const tableLogicalId = this.resolve((this.table.node.defaultChild as CfnTable).logicalId) as string;
    Validations.of(this).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::<${tableLogicalId}.Arn>/index/*]`,
        reason: "Handlers query the table's own GSIs (gsi1, gsi2); the wildcard covers only this table's indexes.",
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${stateMachineName}:*]`,
        reason:
          "DescribeExecution needs execution ARNs, whose names (case ids) are made at run time; the wildcard covers only this state machine's executions.",
      },
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]',
        reason:
          "In the SES sandbox a send is authorized on every recipient's identity too, whose addresses are known only at run time; the ses:FromAddress condition keeps the grant to the notice sender.",
      },
    );

    // ---- alarms to staff, and the operations dashboard
    const sweeper = scheduledFns.find((fn) => fn.node.id === 'ScheduledSweeper');
    if (!sweeper) throw new Error('infra/functions.ts: the Sweeper schedule is missing; the alarms watch it.');
    this.monitoring = new Monitoring(this, 'Monitoring', {
      key: topicKey,
      alarmEmails: props.alarmEmails,
      stateMachine: this.stateMachine,
      api: this.api,
      sweeper: sweeper.function,
      deadLetterQueues,
    });

    new CfnOutput(this, 'ApiUrl', { value: apiUrl });
    new CfnOutput(this, 'WebUrl', { value: site.origin });
    new CfnOutput(this, 'UserPoolId', { value: identity.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: identity.client.userPoolClientId });
    new CfnOutput(this, 'StateMachineArn', { value: this.stateMachine.stateMachineArn });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.alarmTopic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: this.monitoring.dashboard.dashboardName });
  }
}
