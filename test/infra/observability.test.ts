import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { stackPropsFromContext } from '../../infra/context';
import { DEADLINE_LATENESS_ALARM_MS, NOTICE_METRIC_KINDS } from '../../infra/constructs/monitoring';
import { eventFunctions, scheduledFunctions } from '../../infra/functions';
import { UrgentDeliberationStack } from '../../infra/stack';
import { config, resetConfigForTests } from '../../shared/runtime/config';
import { VALID_CONTEXT } from './valid-context';
import { COUNT_METRICS, DURATION_METRICS, METRICS_NAMESPACE, METRICS_SERVICE, NOTICE_METRICS } from '../../shared/runtime/metric-names';

type Json = Record<string, unknown>;

const ALARM_EMAILS = ['alarms@regulator.example', 'night@regulator.example'];

let outdir: string;
let template: Template;

beforeAll(() => {
  // Prepare: one synthesis, without bundling (test/infra/bundles.test.ts bundles every entry).
  outdir = mkdtempSync(join(tmpdir(), 'ud-observability-'));
  const app = new App({
    outdir,
    context: {
      ...VALID_CONTEXT,
      alarmEmails: ALARM_EMAILS.join(','),
      'aws:cdk:enable-path-metadata': true,
      'aws:cdk:bundling-stacks': [],
    },
  });
  template = Template.fromStack(new UrgentDeliberationStack(app, 'UrgentDeliberation', stackPropsFromContext(app.node)));
}, 120_000);

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

function resources(type: string): [string, Json][] {
  return Object.entries(template.findResources(type)) as [string, Json][];
}

function logicalIdOf(constructPath: string, type: string): string {
  const found = resources(type).filter(
    ([, r]) => (r.Metadata as Json | undefined)?.['aws:cdk:path'] === `UrgentDeliberation/${constructPath}`,
  );
  expect(found, `${type} at ${constructPath}`).toHaveLength(1);
  return found[0]![0];
}

const ref = (constructPath: string, type: string) => ({ Ref: logicalIdOf(constructPath, type) });
const arnOf = (constructPath: string, type: string) => ({ 'Fn::GetAtt': [logicalIdOf(constructPath, type), 'Arn'] });
const deliveryFunction = () => logicalIdOf('EventsDeliveryEvents/Function/Resource', 'AWS::Lambda::Function');
const alarmTopic = () => ref('Monitoring/AlarmTopic/Resource', 'AWS::SNS::Topic');
const topicKey = () => arnOf('TopicKey/Resource', 'AWS::KMS::Key');
/** Every queue but the webhook delivery queue (which feeds a function) is a dead-letter queue. */
const deadLetterQueues = () =>
  resources('AWS::SQS::Queue').filter(([id]) => id !== logicalIdOf('WebhookDelivery/Queue/Resource', 'AWS::SQS::Queue'));

describe('SES delivery events', () => {
  it('has one configuration set for the notices, and leaves the domain identity to SES (verified before the deploy)', () => {
    template.resourceCountIs('AWS::SES::ConfigurationSet', 1);
    template.resourceCountIs('AWS::SES::EmailIdentity', 0);
  });

  it('publishes SEND, DELIVERY, BOUNCE, COMPLAINT and REJECT to the delivery-events topic, and nothing else', () => {
    // Act
    const destinations = resources('AWS::SES::ConfigurationSetEventDestination');
    // Assess
    expect(destinations).toHaveLength(1);
    expect(destinations[0]![1].Properties).toEqual({
      ConfigurationSetName: ref('NoticeEvents/Resource', 'AWS::SES::ConfigurationSet'),
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: ['send', 'delivery', 'bounce', 'complaint', 'reject'],
        SnsDestination: { TopicARN: ref('DeliveryEvents/Topic/Resource', 'AWS::SNS::Topic') },
      },
    });
  });

  it.each([
    ['delivery events', 'DeliveryEvents/Topic'],
    ['staff alarms', 'Monitoring/AlarmTopic'],
  ])('encrypts the %s topic with the rotated key and refuses publishing without TLS', (_name, path) => {
    // Assess
    const topicId = logicalIdOf(`${path}/Resource`, 'AWS::SNS::Topic');
    expect((template.toJSON().Resources[topicId] as Json).Properties).toMatchObject({ KmsMasterKeyId: topicKey() });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const policy = resources('AWS::SNS::TopicPolicy').find(([, p]) => JSON.stringify((p.Properties as Json).Topics).includes(topicId))?.[1]
      .Properties as { PolicyDocument: { Statement: Json[] } };
    expect(policy.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('lets only SES, for this account and configuration set, publish to the delivery-events topic', () => {
    const topic = ref('DeliveryEvents/Topic/Resource', 'AWS::SNS::Topic');
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [topic],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sns:Publish',
            Principal: { Service: 'ses.amazonaws.com' },
            Condition: {
              StringEquals: {
                'AWS:SourceAccount': { Ref: 'AWS::AccountId' },
                'AWS:SourceArn': Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':configuration-set/'])] }),
              },
            },
          }),
        ]),
      },
    });
  });

  it('lets SES and CloudWatch use the topic key, which encrypts only the two topics', () => {
    // Act
    const [, key] = resources('AWS::KMS::Key')[0]!;
    const statements = ((key.Properties as Json).KeyPolicy as { Statement: Json[] }).Statement;
    const services = statements.flatMap((s) => [(s.Principal as { Service?: string }).Service ?? []].flat());
    // Assess
    expect(services.sort()).toEqual(['cloudwatch.amazonaws.com', 'ses.amazonaws.com']);
    for (const statement of statements.filter((s) => (s.Principal as Json).Service !== undefined)) {
      expect(statement.Action).toEqual(['kms:GenerateDataKey*', 'kms:Decrypt']);
    }
    const encrypted = resources('AWS::SNS::Topic').filter(([, t]) => (t.Properties as Json).KmsMasterKeyId !== undefined);
    expect(encrypted).toHaveLength(2);
  });

  it('subscribes the delivery-events function, with a dead-letter queue for what SNS cannot deliver', () => {
    // Act
    const subscriptions = resources('AWS::SNS::Subscription').filter(([, s]) => (s.Properties as Json).Protocol === 'lambda');
    // Assess
    expect(subscriptions).toHaveLength(1);
    expect(subscriptions[0]![1].Properties).toEqual({
      Protocol: 'lambda',
      Endpoint: { 'Fn::GetAtt': [deliveryFunction(), 'Arn'] },
      TopicArn: ref('DeliveryEvents/Topic/Resource', 'AWS::SNS::Topic'),
      RedrivePolicy: { deadLetterTargetArn: arnOf('DeliveryEvents/SubscriptionDeadLetters/Resource', 'AWS::SQS::Queue') },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [deliveryFunction(), 'Arn'] },
      Principal: 'sns.amazonaws.com',
      SourceArn: ref('DeliveryEvents/Topic/Resource', 'AWS::SNS::Topic'),
    });
  });

  it('gives the delivery-events function a dead-letter queue for invocations that fail after their retries', () => {
    const fn = template.toJSON().Resources[deliveryFunction()] as Json;
    expect((fn.Properties as Json).DeadLetterConfig).toEqual({
      TargetArn: arnOf('DeliveryEventsDeadLetters/Resource', 'AWS::SQS::Queue'),
    });
    expect(eventFunctions.map((f) => f.entry)).toEqual(['functions/events/delivery-events.ts', 'functions/events/execution-ended.ts']);
  });

  it('keeps every dead-letter queue encrypted, TLS only, for 14 days', () => {
    const queues = deadLetterQueues();
    // The delivery subscription's, one per event function, the execution-ended rule's, the webhook delivery queue's, and one per schedule
    expect(queues).toHaveLength(1 + eventFunctions.length + 1 + 1 + scheduledFunctions.length);
    for (const [, queue] of queues) {
      expect(queue.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    }
    for (const [, policy] of resources('AWS::SQS::QueuePolicy')) {
      expect(JSON.stringify(policy)).toContain('"aws:SecureTransport":"false"');
    }
  });
});

describe('every Lambda environment', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    resetConfigForTests();
  });

  it.each(['EventsDeliveryEvents', 'ScheduledSweeper', 'WorkflowSendOrderNotice', 'WorkflowEnforceDeadline', 'ApiReports', 'ApiCommittee'])(
    '%s: shared/runtime/config.ts reads a complete configuration from it',
    (id) => {
      // Prepare: the function's variables, CloudFormation references standing in as text.
      const fn = template.toJSON().Resources[logicalIdOf(`${id}/Function/Resource`, 'AWS::Lambda::Function')] as Json;
      const variables = ((fn.Properties as Json).Environment as { Variables: Record<string, unknown> }).Variables;
      for (const [name, value] of Object.entries(variables)) vi.stubEnv(name, typeof value === 'string' ? value : `{${name}}`);
      resetConfigForTests();
      // Act
      const loaded = config();
      // Assess
      expect(loaded.tableName).toBe('{TABLE_NAME}');
      expect(loaded.stateMachineArn).toBe('{STATE_MACHINE_ARN}');
      expect(loaded.sesConfigurationSet).toBe('{SES_CONFIGURATION_SET}');
      expect(loaded.staffEmails).toEqual([VALID_CONTEXT.staffEmails]);
      expect(loaded.committeeMembers).toEqual(['member-1', 'member-2', 'member-3']);
      expect(loaded.noticeFrom).toBe(`notices@${VALID_CONTEXT.noticeDomain}`);
    },
  );

  it('lets the delivery-events function send notices with the configuration set, like the workflow', () => {
    const roleId = logicalIdOf('EventsDeliveryEvents/Role/Resource', 'AWS::IAM::Role');
    const statements = resources('AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify((p.Properties as Json).Roles).includes(roleId))
      .flatMap(([, p]) => ((p.Properties as Json).PolicyDocument as { Statement: Json[] }).Statement);
    const resourcesOfSend = statements
      .filter((s) => JSON.stringify(s.Action).includes('ses:SendEmail'))
      .map((s) => JSON.stringify(s.Resource));
    expect(resourcesOfSend.some((r) => r.includes(':identity/'))).toBe(true);
    expect(resourcesOfSend.some((r) => r.includes(':configuration-set/'))).toBe(true);
  });
});

describe('alarms', () => {
  type Alarm = Json & { AlarmActions: unknown[] };
  const alarms = (): Alarm[] => resources('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties as Alarm);
  const alarmOn = (namespace: string, metricName: string): Alarm => {
    const found = alarms().filter((a) => a.Namespace === namespace && a.MetricName === metricName);
    expect(found, `alarm on ${namespace} ${metricName}`).toHaveLength(1);
    return found[0]!;
  };

  it('send every alarm to the staff alarm topic, and treat missing data as not breaching', () => {
    expect(alarms().length).toBeGreaterThanOrEqual(8);
    for (const alarm of alarms()) {
      expect(alarm.AlarmActions).toEqual([alarmTopic()]);
      expect(alarm).toMatchObject({ TreatMissingData: 'notBreaching', EvaluationPeriods: 1, Period: 300 });
    }
  });

  it('subscribes each alarmEmails address to the alarm topic by e-mail (SNS, not SES)', () => {
    const emails = resources('AWS::SNS::Subscription')
      .map(([, s]) => s.Properties as Json)
      .filter((s) => s.Protocol === 'email');
    expect(emails.map((s) => s.Endpoint).sort()).toEqual([...ALARM_EMAILS].sort());
    for (const subscription of emails) expect(subscription.TopicArn).toEqual(alarmTopic());
  });

  it('alarm when a workflow execution fails', () => {
    expect(alarmOn('AWS/States', 'ExecutionsFailed')).toMatchObject({
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [{ Name: 'StateMachineArn', Value: ref('CaseWorkflow/Resource', 'AWS::StepFunctions::StateMachine') }],
    });
  });

  it('alarm when a notice is undelivered', () => {
    expect(alarmOn(METRICS_NAMESPACE, 'NoticeUndelivered')).toMatchObject({
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [{ Name: 'service', Value: METRICS_SERVICE }],
    });
  });

  it('alarm when a deadline is enforced more than a minute late', () => {
    expect(DEADLINE_LATENESS_ALARM_MS).toBe(60_000);
    expect(alarmOn(METRICS_NAMESPACE, 'DeadlineLatenessMs')).toMatchObject({
      Statistic: 'Maximum',
      Threshold: 60_000,
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: [{ Name: 'service', Value: METRICS_SERVICE }],
    });
  });

  it('alarm when the HTTP API answers 5xx', () => {
    expect(alarmOn('AWS/ApiGateway', '5xx')).toMatchObject({
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [{ Name: 'ApiId', Value: ref('Api/Resource', 'AWS::ApiGatewayV2::Api') }],
    });
  });

  it('alarm when the sweeper fails', () => {
    expect(alarmOn('AWS/Lambda', 'Errors')).toMatchObject({
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [{ Name: 'FunctionName', Value: ref('ScheduledSweeper/Function/Resource', 'AWS::Lambda::Function') }],
    });
  });

  it('alarm when a message waits in any dead-letter queue', () => {
    // Act
    const watched = alarms()
      .filter((a) => a.Namespace === 'AWS/SQS' && a.MetricName === 'ApproximateNumberOfMessagesVisible')
      .map((a) => {
        expect(a).toMatchObject({ Statistic: 'Maximum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
        return JSON.stringify(a.Dimensions);
      });
    // Assess: one alarm per dead-letter queue of the stack
    const queues = deadLetterQueues().map(([id]) => JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }]));
    expect(watched.sort()).toEqual(queues.sort());
  });
});

describe('dashboard', () => {
  const body = (): string => {
    const dashboards = resources('AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    // The body is a Fn::Join of JSON pieces and references: its text names every metric.
    return JSON.stringify((dashboards[0]![1].Properties as Json).DashboardBody);
  };

  it.each([...NOTICE_METRICS, ...COUNT_METRICS, ...DURATION_METRICS])('graphs the custom metric %s', (name) => {
    expect(body()).toContain(`\\"${METRICS_NAMESPACE}\\",\\"${name}\\"`);
  });

  it('graphs notices sent and failed for every kind, and lateness and time to notice at p50, p99 and max', () => {
    for (const kind of NOTICE_METRIC_KINDS) {
      expect(body()).toContain(`\\"NoticeSent\\",\\"kind\\",\\"${kind}\\",\\"service\\",\\"${METRICS_SERVICE}\\"`);
      expect(body()).toContain(`\\"NoticeFailed\\",\\"kind\\",\\"${kind}\\",\\"service\\",\\"${METRICS_SERVICE}\\"`);
    }
    for (const stat of ['p50', 'p99', 'Maximum']) expect(body()).toContain(`\\"stat\\":\\"${stat}\\"`);
  });

  it.each([
    ['AWS/States', 'ExecutionsFailed'],
    ['AWS/States', 'ExecutionsSucceeded'],
    ['AWS/ApiGateway', '4xx'],
    ['AWS/ApiGateway', '5xx'],
    ['AWS/ApiGateway', 'Latency'],
  ])('graphs %s %s', (namespace, metric) => {
    expect(body()).toContain(`\\"${namespace}\\",\\"${metric}\\"`);
  });
});
