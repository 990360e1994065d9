import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackPropsFromContext } from '../../infra/context';
import { apiFunctions, eventFunctions, scheduledFunctions, webhookQueueFunction, workflowFunctions } from '../../infra/functions';
import { WEBHOOK_MAX_RECEIVES, WEBHOOK_SENDER_TIMEOUT } from '../../infra/constructs/webhook-delivery';
import { UrgentDeliberationStack } from '../../infra/stack';
import { policyById } from '../../shared/domain/policy';
import { GLOBAL_SECONDARY_INDEXES } from '../../shared/store/table';
import { VALID_CONTEXT } from './valid-context';

type Json = Record<string, unknown>;
interface Statement {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
}

const WORKFLOW_NAMES = Object.keys(workflowFunctions);
const CONTEXT = {
  ...VALID_CONTEXT,
  policyProfile: 'eu-tco',
  staffEmails: 'duty@regulator.go.kr, lead@regulator.go.kr',
  alarmEmails: 'alarms@regulator.example,night@regulator.example',
  machineClients: 'op-webhard:orders.read+orders.write,isp-kt:orders.read+blocklist.read',
};

let outdir: string;
let app: App;
let template: Template;
let definition: string;
let substitutions: Record<string, unknown>;

beforeAll(() => {
  // Prepare: one synthesis for the whole file. Bundling is skipped here (it is 24 esbuild runs,
  // minutes on a loaded 2-core machine); test/infra/bundles.test.ts bundles every entry instead.
  outdir = mkdtempSync(join(tmpdir(), 'ud-infra-'));
  // Path metadata (as the CLI writes it) lets the assertions find resources by construct path.
  app = new App({
    outdir,
    context: { ...CONTEXT, 'aws:cdk:enable-path-metadata': true, 'aws:cdk:bundling-stacks': [] },
  });
  const stack = new UrgentDeliberationStack(app, 'UrgentDeliberation', stackPropsFromContext(app.node));
  template = Template.fromStack(stack);
  const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0] as Json;
  const properties = machine.Properties as Json;
  definition = properties.DefinitionString as string;
  substitutions = properties.DefinitionSubstitutions as Record<string, unknown>;
}, 120_000);

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

function resources(type: string): [string, Json][] {
  return Object.entries(template.findResources(type)) as [string, Json][];
}

function logicalIdOf(constructId: string, type: string): string {
  const found = resources(type).filter(
    ([, r]) => (r.Metadata as Json | undefined)?.['aws:cdk:path'] === `UrgentDeliberation/${constructId}`,
  );
  expect(found, `${type} at ${constructId}`).toHaveLength(1);
  return found[0]![0];
}

const functionId = (constructId: string): string => logicalIdOf(`${constructId}/Function/Resource`, 'AWS::Lambda::Function');
const roleId = (constructId: string): string => logicalIdOf(`${constructId}/Role/Resource`, 'AWS::IAM::Role');

function statementsOfRole(roleLogicalId: string): Statement[] {
  return resources('AWS::IAM::Policy')
    .filter(([, p]) =>
      ((p.Properties as Json).Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleLogicalId })),
    )
    .flatMap(([, p]) => ((p.Properties as Json).PolicyDocument as { Statement: Statement[] }).Statement);
}

const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const resourcesOf = (s: Statement): unknown[] => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

const manifest = [
  ...apiFunctions.map((f) => ({ id: `Api${f.name}`, entry: f.entry })),
  ...Object.entries(workflowFunctions).map(([name, entry]) => ({ id: `Workflow${name}`, entry })),
  ...scheduledFunctions.map((f) => ({ id: `Scheduled${f.name}`, entry: f.entry })),
  ...eventFunctions.map((f) => ({ id: `Events${f.name}`, entry: f.entry })),
  { id: `Events${webhookQueueFunction.name}`, entry: webhookQueueFunction.entry },
];
const WEBHOOK_SENDER = `Events${webhookQueueFunction.name}`;

const webhookQueueArn = () => ({ 'Fn::GetAtt': [logicalIdOf('WebhookDelivery/Queue/Resource', 'AWS::SQS::Queue'), 'Arn'] });
/** The statements that name the webhook delivery queue. */
const onWebhookQueue = (statements: Statement[]): Statement[] =>
  statements.filter((s) => JSON.stringify(resourcesOf(s)).includes(JSON.stringify(webhookQueueArn())));
/** Whether the function's role may send to the webhook delivery queue: only its producers may. */
const sendsToQueue = (id: string): boolean =>
  onWebhookQueue(statementsOfRole(roleId(id))).some((s) => actionsOf(s).includes('sqs:SendMessage'));

describe('table', () => {
  it('has string pk/sk, the shared GSIs with all attributes, PITR, encryption, deletion protection and is retained', () => {
    // Assess
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
        GlobalSecondaryIndexes: GLOBAL_SECONDARY_INDEXES.map((index) => ({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    });
    const [, table] = resources('AWS::DynamoDB::Table')[0]!;
    const attributes = (table.Properties as Json).AttributeDefinitions as { AttributeType: string }[];
    expect(attributes).toHaveLength(2 + 2 * GLOBAL_SECONDARY_INDEXES.length);
    expect(attributes.every((a) => a.AttributeType === 'S')).toBe(true);
  });
});

describe('functions', () => {
  it('has exactly one Node.js Lambda per manifest entry', () => {
    const nodeFunctions = resources('AWS::Lambda::Function').filter(([, f]) => String((f.Properties as Json).Runtime).startsWith('nodejs'));
    expect(nodeFunctions).toHaveLength(manifest.length);
  });

  it.each(manifest)(
    '$id ($entry) is bundled for ARM64 on Node.js 24 with tracing, its own log group and the shared environment',
    ({ id }) => {
      // Act
      const fn = template.toJSON().Resources[functionId(id)] as Json;
      const props = fn.Properties as Json;
      // Assess
      expect(props).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: logicalIdOf(`${id}/Logs/Resource`, 'AWS::Logs::LogGroup') } },
      });
      expect((props.Code as Json).S3Key).toMatch(/\.zip$/);
      const env = (props.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(Object.keys(env).sort()).toEqual(
        [
          'API_BASE_URL',
          'COMMITTEE_MEMBERS',
          'LOG_LEVEL',
          'NODE_OPTIONS',
          'NOTICE_FROM',
          'POLICY_JSON',
          'POWERTOOLS_SERVICE_NAME',
          'PUBLIC_BASE_URL',
          'SES_CONFIGURATION_SET',
          'STAFF_EMAILS',
          'STATE_MACHINE_ARN',
          'TABLE_NAME',
          // API handlers map a machine client's token to its operator
          ...(id.startsWith('Api') ? ['MACHINE_CLIENTS'] : []),
          // Webhook producers hand due deliveries to the queue
          ...(sendsToQueue(id) ? ['WEBHOOK_QUEUE_URL'] : []),
        ].sort(),
      );
      expect(JSON.parse(env.POLICY_JSON as string)).toEqual(policyById('eu-tco'));
      expect(env.STAFF_EMAILS).toBe('duty@regulator.go.kr,lead@regulator.go.kr');
      expect(env.COMMITTEE_MEMBERS).toBe('member-1,member-2,member-3');
      // E-mails link to the deployed web UI and API
      expect(JSON.stringify(env.PUBLIC_BASE_URL)).toContain(logicalIdOf('Web/Distribution/Resource', 'AWS::CloudFront::Distribution'));
      expect(JSON.stringify(env.API_BASE_URL)).toContain(logicalIdOf('Api/Resource', 'AWS::ApiGatewayV2::Api'));
      expect(env.NOTICE_FROM).toBe(`notices@${VALID_CONTEXT.noticeDomain}`);
      expect(env.TABLE_NAME).toEqual({ Ref: logicalIdOf('Table/Resource', 'AWS::DynamoDB::Table') });
      expect(JSON.stringify(env.STATE_MACHINE_ARN)).toContain(':stateMachine:UrgentDeliberation-case-workflow');
      expect(env.SES_CONFIGURATION_SET).toEqual({ Ref: logicalIdOf('NoticeEvents/Resource', 'AWS::SES::ConfigurationSet') });
      const retention = template.toJSON().Resources[logicalIdOf(`${id}/Logs/Resource`, 'AWS::Logs::LogGroup')] as Json;
      expect((retention.Properties as Json).RetentionInDays).toBeGreaterThan(0);
    },
  );
});

describe('state machine', () => {
  it('is a STANDARD machine with the fixed name, traced, logging ALL without execution data', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'UrgentDeliberation-case-workflow',
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
    });
  });

  it('waits for people through callback tasks that hand the task token to StoreTaskToken', () => {
    // Act: every Task state, including those inside Parallel branches and Map processors.
    const tasks: Json[] = [];
    const walk = (machine: { States: Record<string, Json> }): void => {
      for (const state of Object.values(machine.States)) {
        if (state.Type === 'Task') tasks.push(state);
        for (const branch of (state.Branches as { States: Record<string, Json> }[] | undefined) ?? []) walk(branch);
        const inner = (state.ItemProcessor ?? state.Iterator) as { States: Record<string, Json> } | undefined;
        if (inner) walk(inner);
      }
    };
    walk(JSON.parse(definition) as { States: Record<string, Json> });
    const callbacks = tasks.filter((t) => t.Resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken');
    // Assess
    expect(callbacks.length).toBeGreaterThan(0);
    for (const task of callbacks) {
      const parameters = task.Parameters as Json;
      expect(parameters.FunctionName).toBe('${StoreTaskTokenFunctionArn}');
      expect(Object.values(parameters.Payload as Json)).toContain('$$.Task.Token');
    }
  });

  it('resolves every ${XFunctionArn} to the ARN of the workflow function X, leaving no ${ behind', () => {
    // Act
    let resolved = definition;
    for (const name of new Set([...definition.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]!))) {
      // Assess
      expect(substitutions, `substitution for ${name}`).toHaveProperty(name);
      resolved = resolved.replaceAll(`\${${name}}`, `arn:resolved:${name}`);
    }
    expect(resolved).not.toContain('${');
    for (const name of WORKFLOW_NAMES) {
      expect(substitutions[`${name}FunctionArn`]).toEqual({ 'Fn::GetAtt': [functionId(`Workflow${name}`), 'Arn'] });
    }
  });

  it('lets its role invoke the workflow functions and nothing else', () => {
    // Act
    const statements = statementsOfRole(logicalIdOf('CaseWorkflow/Role/Resource', 'AWS::IAM::Role'));
    const invoke = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('lambda:')));
    // Assess
    expect(invoke).toHaveLength(1);
    expect(actionsOf(invoke[0]!)).toEqual(['lambda:InvokeFunction']);
    const expected = WORKFLOW_NAMES.map((name) => ({ 'Fn::GetAtt': [functionId(`Workflow${name}`), 'Arn'] }));
    expect(resourcesOf(invoke[0]!)).toEqual(expect.arrayContaining(expected));
    expect(resourcesOf(invoke[0]!)).toHaveLength(expected.length);
  });
});

describe('IAM', () => {
  it('scopes every DynamoDB grant to the table and its indexes, with no Scan and no wildcard resource', () => {
    // Prepare
    const tableArn = { 'Fn::GetAtt': [logicalIdOf('Table/Resource', 'AWS::DynamoDB::Table'), 'Arn'] };
    const allowed = [JSON.stringify(tableArn), JSON.stringify({ 'Fn::Join': ['', [tableArn, '/index/*']] })];
    // Act
    const statements = resources('AWS::IAM::Policy').flatMap(
      ([, p]) => ((p.Properties as Json).PolicyDocument as { Statement: Statement[] }).Statement,
    );
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    // Assess
    expect(dynamo.length).toBeGreaterThan(0);
    for (const statement of dynamo) {
      expect(actionsOf(statement)).not.toContain('dynamodb:Scan');
      expect(actionsOf(statement).every((a) => !a.includes('*'))).toBe(true);
      for (const resource of resourcesOf(statement)) expect(allowed).toContain(JSON.stringify(resource));
    }
  });

  const dataActions = (id: string) =>
    statementsOfRole(roleId(id))
      .flatMap(actionsOf)
      .filter((a) => a.startsWith('dynamodb:') || a.startsWith('states:'));

  it.each(apiFunctions.filter((f) => f.readsNoData).map((f) => `Api${f.name}`))('gives %s no access to the table or the workflow', (id) => {
    expect(dataActions(id)).toEqual([]);
  });

  // A public route has no user token, yet the objection page, the public statistics and partners'
  // signed messages need the table: without the grant they would fail only in the cloud.
  it.each(apiFunctions.filter((f) => f.publicRoutes !== undefined && !f.readsNoData).map((f) => `Api${f.name}`))(
    'lets the public %s read and write the table',
    (id) => {
      expect(dataActions(id)).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']));
    },
  );

  it('scopes task-token and execution rights to this state machine', () => {
    // Act
    const statements = resources('AWS::IAM::Policy').flatMap(
      ([, p]) => ((p.Properties as Json).PolicyDocument as { Statement: Statement[] }).Statement,
    );
    const states = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('states:')));
    // Assess
    expect(states.some((s) => actionsOf(s).includes('states:SendTaskSuccess'))).toBe(true);
    for (const statement of states) {
      const rendered = JSON.stringify(resourcesOf(statement));
      // The case workflow's own rights on the executions of its batches' state machine.
      const machine =
        actionsOf(statement).includes('states:StopExecution') || rendered.includes('case-batch') ? 'case-batch' : 'case-workflow';
      if (actionsOf(statement).includes('states:DescribeExecution')) {
        expect(rendered).toContain(`:execution:UrgentDeliberation-${machine}:*`);
      } else {
        expect(rendered).toContain(`:stateMachine:UrgentDeliberation-${machine}"`);
      }
      expect(resourcesOf(statement)).not.toContain('*');
    }
  });

  it("lets the case workflow run its batches' child executions (startExecution.sync:2) and no other", () => {
    // Act
    const statements = statementsOfRole(logicalIdOf('CaseWorkflow/Role/Resource', 'AWS::IAM::Role'));
    const resourcesFor = (action: string) =>
      statements.filter((s) => actionsOf(s).includes(action)).map((s) => JSON.stringify(resourcesOf(s)));
    // Assess: start, watch and stop the children, through Step Functions' managed rule
    expect(resourcesFor('states:StartExecution')).toEqual([expect.stringContaining(':stateMachine:UrgentDeliberation-case-batch"')]);
    for (const action of ['states:DescribeExecution', 'states:StopExecution']) {
      expect(resourcesFor(action)).toEqual([expect.stringContaining(':execution:UrgentDeliberation-case-batch:*')]);
    }
    for (const action of ['events:PutTargets', 'events:PutRule', 'events:DescribeRule']) {
      expect(resourcesFor(action)).toEqual([expect.stringContaining(':rule/StepFunctionsGetEventsForStepFunctionsExecutionRule')]);
    }
    const batchStatements = statementsOfRole(logicalIdOf('CaseBatch/Role/Resource', 'AWS::IAM::Role'));
    expect(batchStatements.flatMap(actionsOf)).not.toContain('states:StartExecution');
  });

  it.each(['ApiApprovals', 'ApiOperatorOrders', 'ApiCommittee', 'WorkflowStoreTaskToken', 'ScheduledSweeper'])(
    '%s may complete task tokens',
    (id) => {
      const actions = statementsOfRole(roleId(id)).flatMap(actionsOf);
      expect(actions).toEqual(expect.arrayContaining(['states:SendTaskSuccess', 'states:SendTaskFailure']));
    },
  );

  it('lets the workflow tasks and the sweeper send notices, only as the notice sender, and no API handler', () => {
    // Act
    const senders = manifest
      .filter(({ id }) => statementsOfRole(roleId(id)).some((s) => actionsOf(s).includes('ses:SendEmail')))
      .map(({ id }) => id);
    const sesStatements = resources('AWS::IAM::Policy')
      .flatMap(([, p]) => ((p.Properties as Json).PolicyDocument as { Statement: (Statement & { Condition?: Json })[] }).Statement)
      .filter((s) => actionsOf(s).some((a) => a.startsWith('ses:')));
    // Assess
    expect(senders.sort()).toEqual(
      manifest
        .map(({ id }) => id)
        .filter((id) => !id.startsWith('Api'))
        .sort(),
    );
    const configurationSetRef = JSON.stringify({ Ref: logicalIdOf('NoticeEvents/Resource', 'AWS::SES::ConfigurationSet') });
    // SES authorizes a send on the sender's identity and on the configuration set the message
    // names; in the sandbox on each recipient's identity too, so every identity, as the sender only.
    const scopes = sesStatements.map((statement) => {
      expect(actionsOf(statement).sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
      const resource = JSON.stringify(statement.Resource);
      if (resource.endsWith(':identity/*"]]}')) {
        expect(statement.Condition).toEqual({ StringEquals: { 'ses:FromAddress': `notices@${VALID_CONTEXT.noticeDomain}` } });
        return 'identities, as the sender';
      }
      if (resource.includes(`":configuration-set/",${configurationSetRef}`)) return 'configuration set';
      return resource;
    });
    expect(new Set(scopes)).toEqual(new Set(['identities, as the sender', 'configuration set']));
  });
});

describe('webhook delivery', () => {
  const queueId = () => logicalIdOf('WebhookDelivery/Queue/Resource', 'AWS::SQS::Queue');
  const deadLettersId = () => logicalIdOf('WebhookDelivery/DeadLetters/Resource', 'AWS::SQS::Queue');

  it('queues deliveries encrypted, redriven to a dead-letter queue after a few receives, invisible for six sender timeouts', () => {
    const queue = template.toJSON().Resources[queueId()] as Json;
    expect(queue.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 6 * WEBHOOK_SENDER_TIMEOUT.toSeconds(),
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [deadLettersId(), 'Arn'] }, maxReceiveCount: WEBHOOK_MAX_RECEIVES },
    });
    expect(WEBHOOK_MAX_RECEIVES).toBeLessThanOrEqual(5);
    const deadLetters = template.toJSON().Resources[deadLettersId()] as Json;
    expect(deadLetters.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
  });

  it('refuses every request to either queue that is not over TLS', () => {
    for (const id of [queueId(), deadLettersId()]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Principal: { AWS: '*' } }),
          ]),
        },
      });
    }
  });

  it('alarms staff when a message waits in the dead-letter queue', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [deadLettersId(), 'QueueName'] } }],
      Threshold: 1,
      AlarmActions: [{ Ref: logicalIdOf('Monitoring/AlarmTopic/Resource', 'AWS::SNS::Topic') }],
    });
  });

  it('triggers the sender from the queue, reporting failed messages one by one', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId(WEBHOOK_SENDER) },
      EventSourceArn: webhookQueueArn(),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
    });
    const sender = template.toJSON().Resources[functionId(WEBHOOK_SENDER)] as Json;
    expect((sender.Properties as Json).Timeout).toBe(WEBHOOK_SENDER_TIMEOUT.toSeconds());
  });

  it('lets every function that runs follow-ups send to the queue, and only send', () => {
    // Act
    const producers = manifest.map(({ id }) => id).filter(sendsToQueue);
    const writers = manifest
      .map(({ id }) => id)
      .filter((id) => statementsOfRole(roleId(id)).some((s) => actionsOf(s).includes('dynamodb:PutItem')));
    // Assess
    expect(producers.sort()).toEqual(writers.filter((id) => id !== WEBHOOK_SENDER).sort());
    const producerStatements = onWebhookQueue(
      resources('AWS::IAM::Policy')
        .filter(([, p]) => !JSON.stringify((p.Properties as Json).Roles).includes(roleId(WEBHOOK_SENDER)))
        .flatMap(([, p]) => ((p.Properties as Json).PolicyDocument as { Statement: Statement[] }).Statement),
    );
    expect(producerStatements.length).toBeGreaterThan(0);
    for (const statement of producerStatements) {
      expect(actionsOf(statement)).toEqual(['sqs:SendMessage']);
      expect(resourcesOf(statement)).toEqual([webhookQueueArn()]);
    }
  });

  it('lets the sender consume the queue and never send to it', () => {
    const sqs = statementsOfRole(roleId(WEBHOOK_SENDER)).filter((s) => actionsOf(s).some((a) => a.startsWith('sqs:')));
    expect(sqs.length).toBeGreaterThan(0);
    expect(sqs.flatMap(actionsOf)).toEqual(
      expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']),
    );
    expect(sqs.flatMap(actionsOf)).not.toContain('sqs:SendMessage');
    for (const statement of sqs) expect(resourcesOf(statement)).toEqual([webhookQueueArn()]);
  });

  it('sends over HTTPS only: no function allows plain HTTP to loopback', () => {
    for (const { id } of manifest) {
      const fn = template.toJSON().Resources[functionId(id)] as Json;
      const variables = ((fn.Properties as Json).Environment as Json).Variables as Json;
      expect(variables, id).not.toHaveProperty('WEBHOOK_ALLOW_LOOPBACK_HTTP');
    }
  });
});

describe('HTTP API', () => {
  const routes = apiFunctions.flatMap((f) =>
    f.routes.map((routeKey) => ({ routeKey, id: `Api${f.name}`, isPublic: f.publicRoutes?.includes(routeKey) ?? false })),
  );

  it.each(routes)('$routeKey reaches $id (public: $isPublic)', ({ routeKey, id, isPublic }) => {
    // Act
    const found = resources('AWS::ApiGatewayV2::Route').filter(([, r]) => (r.Properties as Json).RouteKey === routeKey);
    // Assess
    expect(found).toHaveLength(1);
    const route = found[0]![1].Properties as Json;
    if (isPublic) {
      expect(route.AuthorizationType).toBe('NONE');
    } else {
      expect(route.AuthorizationType).toBe('JWT');
      expect(route.AuthorizerId).toEqual({ Ref: Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'))[0] });
    }
    const integrationId = JSON.stringify(route.Target).match(/"Ref":"([^"]+)"/)?.[1];
    const integration = template.toJSON().Resources[integrationId!] as Json;
    expect(JSON.stringify((integration.Properties as Json).IntegrationUri)).toContain(functionId(id));
  });

  it('has no route beyond the manifest', () => {
    expect(resources('AWS::ApiGatewayV2::Route')).toHaveLength(routes.length);
  });

  it('checks Cognito JWTs issued for the web client and for each operator system', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [
          { Ref: Match.stringLikeRegexp('^IdentityUsersWeb') },
          { Ref: Match.stringLikeRegexp('^IdentityUsersSystemopwebhard') },
          { Ref: Match.stringLikeRegexp('^IdentityUsersSystemispkt') },
        ],
        Issuer: Match.anyValue(),
      },
    });
  });

  it("lets the web UI's origin read Retry-After, which says when a refused filing may be sent again", () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: { ExposeHeaders: ['retry-after'], AllowHeaders: Match.arrayWith(['idempotency-key']) },
    });
  });

  it('throttles and access-logs the default stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    });
  });
});

describe('identity', () => {
  it('is admin-created only, with MFA, a strong password policy, the role groups and custom:operatorId', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 14, RequireSymbols: true, RequireUppercase: true }) },
      Schema: Match.arrayWith([Match.objectLike({ Name: 'operatorId', AttributeDataType: 'String' })]),
    });
    const groups = resources('AWS::Cognito::UserPoolGroup').map(([, g]) => (g.Properties as Json).GroupName);
    expect(groups.sort()).toEqual(['auditor', 'committee', 'operator', 'reporter', 'staff']);
  });

  it('does not let users rewrite their own operatorId, and returns to the CloudFront origin', () => {
    const [, client] = resources('AWS::Cognito::UserPoolClient')[0]!;
    const props = client.Properties as Json;
    expect(props.WriteAttributes).not.toContain('custom:operatorId');
    expect(JSON.stringify(props.CallbackURLs)).toContain('DomainName');
    expect(props.AllowedOAuthFlows).toEqual(['code']);
  });
});

/**
 * The property that names a resource of each type that the stack may retain, when CloudFormation
 * creates it under that name (null: the type has no unique name). A retained type missing here
 * fails the scan until it is classified.
 */
const PHYSICAL_NAME_PROPERTY: Record<string, string | null> = {
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::KMS::Key': null,
  // A pool's name need not be unique; its id is made by Cognito.
  'AWS::Cognito::UserPool': null,
};

/** Retained resources whose fixed name would make the next deploy fail with AlreadyExists. */
function retainedUnderFixedNames(resourcesById: Record<string, Json>): string[] {
  return Object.entries(resourcesById)
    .filter(([, r]) => r.DeletionPolicy !== undefined && r.DeletionPolicy !== 'Delete')
    .flatMap(([id, r]) => {
      const type = r.Type as string;
      if (!(type in PHYSICAL_NAME_PROPERTY)) return [`${id}: ${type} is retained; classify its name property`];
      const key = PHYSICAL_NAME_PROPERTY[type];
      const name = key ? (r.Properties as Json | undefined)?.[key] : undefined;
      // A name with the stack id in it is new for every stack, so a kept one is never in the way.
      if (name === undefined || JSON.stringify(name).includes('AWS::StackId')) return [];
      return [`${id}: ${type} ${key} ${JSON.stringify(name)}`];
    });
}

/** Attributes a pool requires that one of its clients may not write: Cognito refuses to create that client. */
function requiredButNotWritable(resourcesById: Record<string, Json>): string[] {
  return Object.entries(resourcesById)
    .filter(([, r]) => r.Type === 'AWS::Cognito::UserPoolClient')
    .flatMap(([id, client]) => {
      const props = client.Properties as Json;
      // Without WriteAttributes a client may write every attribute.
      const writable = props.WriteAttributes as string[] | undefined;
      if (writable === undefined) return [];
      const pool = resourcesById[(props.UserPoolId as { Ref: string }).Ref]!;
      const schema = ((pool.Properties as Json).Schema ?? []) as { Name: string; Required?: boolean }[];
      // Cognito lets only standard attributes be required, and names them bare in both lists.
      return schema.filter((a) => a.Required && !writable.includes(a.Name)).map((a) => `${id}: ${a.Name}`);
    });
}

describe('a first deploy, and one after a failed or deleted stack', () => {
  it('lets every client write every attribute the pool requires', () => {
    expect(requiredButNotWritable(template.toJSON().Resources)).toEqual([]);
  });

  it('finds a client that cannot write a required attribute', () => {
    const resources = {
      Pool: { Type: 'AWS::Cognito::UserPool', Properties: { Schema: [{ Name: 'email', Required: true }] } },
      Web: { Type: 'AWS::Cognito::UserPoolClient', Properties: { UserPoolId: { Ref: 'Pool' }, WriteAttributes: ['name'] } },
    };
    expect(requiredButNotWritable(resources)).toEqual(['Web: email']);
  });

  it('retains nothing under a fixed name', () => {
    expect(retainedUnderFixedNames(template.toJSON().Resources)).toEqual([]);
  });

  it('finds a retained log group with a fixed name, and a retained type it cannot classify', () => {
    const resources = {
      Logs: { Type: 'AWS::Logs::LogGroup', DeletionPolicy: 'Retain', Properties: { LogGroupName: '/aws/vendedlogs/states/x' } },
      Pending: { Type: 'AWS::Logs::LogGroup', DeletionPolicy: 'RetainExceptOnCreate', Properties: { LogGroupName: 'y' } },
      Fresh: {
        Type: 'AWS::Logs::LogGroup',
        DeletionPolicy: 'Retain',
        Properties: { LogGroupName: { 'Fn::Join': ['', ['z-', { Ref: 'AWS::StackId' }]] } },
      },
      Gone: { Type: 'AWS::Logs::LogGroup', DeletionPolicy: 'Delete', Properties: { LogGroupName: 'w' } },
      Secret: { Type: 'AWS::SecretsManager::Secret', DeletionPolicy: 'Retain', Properties: {} },
    };
    expect(retainedUnderFixedNames(resources)).toEqual([
      'Logs: AWS::Logs::LogGroup LogGroupName "/aws/vendedlogs/states/x"',
      'Pending: AWS::Logs::LogGroup LogGroupName "y"',
      'Secret: AWS::SecretsManager::Secret is retained; classify its name property',
    ]);
  });

  it('keeps the workflow logs after a deletion and removes them when a first deploy rolls back', () => {
    const logs = template.toJSON().Resources[logicalIdOf('WorkflowLogs/Resource', 'AWS::Logs::LogGroup')] as Json;
    expect(logs.DeletionPolicy).toBe('RetainExceptOnCreate');
    expect(JSON.stringify((logs.Properties as Json).LogGroupName)).toMatch(
      /^\{"Fn::Join":\["",\["\/aws\/vendedlogs\/states\/UrgentDeliberation-case-workflow-"/,
    );
  });

  it('mails temporary passwords and codes through SES as the notice domain', () => {
    const domain = VALID_CONTEXT.noticeDomain;
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      EmailConfiguration: {
        EmailSendingAccount: 'DEVELOPER',
        From: `notices@${domain}`,
        SourceArn: { 'Fn::Join': ['', Match.arrayWith([`:identity/${domain}`])] },
      },
      // A changed address takes over once confirmed: recovery keeps the checked one meanwhile.
      UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
    });
  });
});

describe('schedule, web and outputs', () => {
  it('runs the sweeper every minute; what EventBridge cannot deliver goes to a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [functionId('ScheduledSweeper'), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 0 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalIdOf('SweeperScheduleDeadLetters/Resource', 'AWS::SQS::Queue'), 'Arn'] } },
        }),
      ],
    });
  });

  it("records every case workflow execution that ends FAILED, TIMED_OUT or ABORTED: a rule on Step Functions' status changes, retried, with a dead-letter queue", () => {
    const workflowArn = {
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':states:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':stateMachine:UrgentDeliberation-case-workflow',
        ],
      ],
    };
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        // The case workflow's executions only: a batch's child execution that does not succeed
        // fails its parent's task, which the parent's Catch records.
        detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [workflowArn] },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [functionId('EventsExecutionEnded'), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 24 * 3600 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalIdOf('ExecutionEndedRuleDeadLetters/Resource', 'AWS::SQS::Queue'), 'Arn'] } },
        }),
      ],
    });
    // and the ARN the rule matches is the workflow's own
    const machine = template.toJSON().Resources[logicalIdOf('CaseWorkflow/Resource', 'AWS::StepFunctions::StateMachine')] as Json;
    expect((machine.Properties as Json).StateMachineName).toBe('UrgentDeliberation-case-workflow');
  });

  it('serves the UI from a private bucket through CloudFront with origin access control', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: Match.objectLike({ BlockPublicAcls: true, RestrictPublicBuckets: true }),
      LoggingConfiguration: Match.anyValue(),
    });
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.resourceCountIs('Custom::CDKBucketDeployment', 1);
  });

  it.each(['ApiUrl', 'WebUrl', 'UserPoolId', 'UserPoolClientId', 'StateMachineArn', 'TableName', 'AlarmTopicArn', 'DashboardName'])(
    'outputs %s',
    (name) => {
      template.hasOutput(name, Match.anyValue());
    },
  );
});

describe('cdk-nag', () => {
  it.each([
    ['AwsSolutions', () => new AwsSolutionsChecks()],
    ['Serverless', () => new ServerlessChecks()],
  ])('leaves no %s finding unacknowledged', (_pack, pack) => {
    // Act: the same checks the app's validation plugins run at synth.
    const report = pack().validateScope(app);
    // Assess
    const findings = report.violations.flatMap((v) =>
      v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath ?? '?'}`),
    );
    expect(findings).toEqual([]);
  });

  it('runs both packs on every synth of the app', () => {
    const app = readFileSync(join(import.meta.dirname, '..', '..', 'infra', 'app.ts'), 'utf8');
    expect(app).toMatch(
      /addPlugins\(new AwsSolutionsChecks\(app, \{ verbose: true \}\), new ServerlessChecks\(app, \{ verbose: true \}\)\)/,
    );
  });
});

describe('machine clients', () => {
  const clientNamed = (name: string): Json => {
    const found = resources('AWS::Cognito::UserPoolClient').filter(([, c]) => (c.Properties as Json).ClientName === name);
    expect(found, name).toHaveLength(1);
    return found[0]![1].Properties as Json;
  };

  it('has a resource server with the four scopes of the API', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'urgent-deliberation',
      Scopes: ['orders.read', 'orders.write', 'blocklist.read', 'hashes.match'].map((name) => Match.objectLike({ ScopeName: name })),
    });
  });

  it('gives each operator system a client-credentials client with a generated secret and its own scopes only', () => {
    const webhard = clientNamed('op-webhard-system');
    expect(webhard).toMatchObject({
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthFlowsUserPoolClient: true,
    });
    expect(JSON.stringify(webhard.AllowedOAuthScopes)).toContain('/orders.write');
    expect(JSON.stringify(webhard.AllowedOAuthScopes)).not.toContain('blocklist.read');
    const kt = clientNamed('isp-kt-system');
    expect(JSON.stringify(kt.AllowedOAuthScopes)).toContain('/blocklist.read');
    expect(JSON.stringify(kt.AllowedOAuthScopes)).not.toContain('orders.write');
  });

  it('tells every API function which operator each client acts for', () => {
    for (const spec of apiFunctions) {
      const fn = template.toJSON().Resources[functionId(`Api${spec.name}`)] as Json;
      const variables = ((fn.Properties as Json).Environment as Json).Variables as Json;
      const setting = JSON.stringify(variables.MACHINE_CLIENTS);
      expect(setting, spec.name).toMatch(/IdentityUsersSystemopwebhard.*=op-webhard,.*IdentityUsersSystemispkt.*=isp-kt/);
    }
  });

  it('stops synthesis on a scope the API does not know', () => {
    expect(() =>
      stackPropsFromContext(new App({ context: { ...VALID_CONTEXT, machineClients: 'op-webhard:orders.delete' } }).node),
    ).toThrow(/machineClients entry "op-webhard:orders.delete"/);
  });
});
