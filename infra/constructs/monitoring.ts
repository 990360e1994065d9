import { ArnFormat, Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { NOTICE_KINDS } from '../../shared/domain/model';
import {
  type CountMetric,
  type DurationMetric,
  METRICS_NAMESPACE,
  METRICS_SERVICE,
  NOTICE_KIND_DIMENSION,
  type NoticeMetric,
  STAFF_NOTICE_KIND,
} from '../../shared/runtime/metric-names';

/** Every alarm and graph counts over five minutes. */
const PERIOD = Duration.minutes(5);

/** A deadline enforced more than a minute after it passed means the workflow's timer missed it. */
export const DEADLINE_LATENESS_ALARM_MS = 60_000;

/** The kinds a notice metric is counted by: each operator notice kind, and staff alerts. */
export const NOTICE_METRIC_KINDS: readonly string[] = [...NOTICE_KINDS, STAFF_NOTICE_KIND];

/** A custom metric as shared/runtime/metrics.ts emits it (namespace, service dimension). */
export function customMetric(name: CountMetric | DurationMetric, statistic: string, label?: string): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: METRICS_SERVICE },
    statistic,
    period: PERIOD,
    ...(label === undefined ? {} : { label }),
  });
}

function noticeMetric(name: NoticeMetric, kind: string): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: METRICS_SERVICE, [NOTICE_KIND_DIMENSION]: kind },
    statistic: 'Sum',
    period: PERIOD,
    label: kind,
  });
}

export interface MonitoringProps {
  /** Encrypts the alarm topic; its policy must let CloudWatch use it. */
  readonly key: IKey;
  /** Staff addresses subscribed to the alarm topic (each confirms by e-mail). */
  readonly alarmEmails: readonly string[];
  readonly stateMachine: IStateMachine;
  readonly api: IHttpApi;
  readonly sweeper: IFunction;
  /** Every dead-letter queue of the stack, by a name for the alarm. */
  readonly deadLetterQueues: Readonly<Record<string, IQueue>>;
}

/**
 * What tells staff that something went wrong without anyone watching: alarms to an encrypted topic
 * that staff subscribe to by e-mail (through SNS, not SES: an SES outage must not silence them),
 * and one dashboard of the same metrics. Missing data is never an alarm: a quiet system is healthy.
 */
export class Monitoring extends Construct {
  readonly alarmTopic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: 'Urgent deliberation: staff alarms',
      masterKey: props.key,
      enforceSSL: true,
    });
    // CloudWatch publishes alarms with the topic's key (AWS: "encrypted topics and event sources").
    props.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchPublishesAlarms',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    // The topic has a policy of its own (enforceSSL), so CloudWatch's publishing is stated in it:
    // this account's alarms only.
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    for (const email of props.alarmEmails) this.alarmTopic.addSubscription(new EmailSubscription(email));
    Validations.of(this.alarmTopic).acknowledge({
      id: 'Serverless-SNSRedrivePolicy',
      reason:
        "The alarm topic's subscribers are staff e-mail addresses: a redrive queue would hold alarms that no one reads, and the alarm state stays in CloudWatch.",
    });

    const alarm = (alarmId: string, description: string, metric: IMetric, threshold: number, operator: ComparisonOperator): void => {
      const created = new Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: operator,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(new SnsAction(this.alarmTopic));
      this.alarms.push(created);
    };
    const atLeastOne = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;

    alarm(
      'ExecutionsFailed',
      'A case workflow execution failed: the case is FAILED and staff must look at it.',
      props.stateMachine.metricFailed({ period: PERIOD, statistic: 'Sum' }),
      1,
      atLeastOne,
    );
    alarm(
      'NoticeUndelivered',
      'A notice bounced or was rejected: fix the contacts (PATCH /operators/{id}) and resend.',
      customMetric('NoticeUndelivered', 'Sum'),
      1,
      atLeastOne,
    );
    alarm(
      'DeadlineLateness',
      `A compliance deadline was enforced more than ${DEADLINE_LATENESS_ALARM_MS / 1000} s after it passed: the workflow's timer missed it and the sweeper caught it.`,
      customMetric('DeadlineLatenessMs', 'Maximum'),
      DEADLINE_LATENESS_ALARM_MS,
      ComparisonOperator.GREATER_THAN_THRESHOLD,
    );
    alarm(
      'Api5xx',
      'The HTTP API answered 5xx: a handler failed or timed out.',
      props.api.metricServerError({ period: PERIOD, statistic: 'Sum' }),
      1,
      atLeastOne,
    );
    alarm(
      'SweeperErrors',
      'The sweeper (reminders, missed deadlines, the safety net) failed a run.',
      props.sweeper.metricErrors({ period: PERIOD, statistic: 'Sum' }),
      1,
      atLeastOne,
    );
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      alarm(
        `${name}DeadLetters`,
        `Messages wait in the dead-letter queue of ${name}: read them, fix the cause, then redrive them.`,
        queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
        1,
        atLeastOne,
      );
    }

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${stack.stackName}-operations`,
      defaultInterval: Duration.days(1),
    });
    const graph = (title: string, left: IMetric[], width = 8): GraphWidget => new GraphWidget({ title, left, width, height: 6 });
    const percentiles = (name: DurationMetric): Metric[] => [
      customMetric(name, 'p50', 'p50'),
      customMetric(name, 'p99', 'p99'),
      customMetric(name, 'Maximum', 'max'),
    ];
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `## Urgent deliberation\nNotices, deadlines, reviews, the workflow and the API. Alarms go to the staff alarm topic.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      graph(
        'Notices sent, by kind',
        NOTICE_METRIC_KINDS.map((kind) => noticeMetric('NoticeSent', kind)),
      ),
      graph(
        'Notices failed to send, by kind',
        NOTICE_METRIC_KINDS.map((kind) => noticeMetric('NoticeFailed', kind)),
      ),
      graph('Notices undelivered (bounced, rejected)', [customMetric('NoticeUndelivered', 'Sum', 'undelivered')]),
    );
    this.dashboard.addWidgets(
      graph('Orders overdue', [customMetric('OrderOverdue', 'Sum', 'overdue')]),
      graph('Deadline lateness (ms): enforcement after deadlineAt', percentiles('DeadlineLatenessMs')),
      graph('Time to notice (ms): order notice sent after issuedAt', percentiles('TimeToNoticeMs')),
    );
    this.dashboard.addWidgets(
      graph('Reviews without quorum (extended, escalated, lifted)', [customMetric('ReviewWithoutQuorum', 'Sum', 'without quorum')]),
      graph('Workflow executions', [
        props.stateMachine.metricSucceeded({ period: PERIOD, statistic: 'Sum', label: 'succeeded' }),
        props.stateMachine.metricFailed({ period: PERIOD, statistic: 'Sum', label: 'failed' }),
      ]),
      graph(
        'Dead letters waiting',
        Object.entries(props.deadLetterQueues).map(([name, queue]) =>
          queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum', label: name }),
        ),
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'API responses',
        [
          props.api.metricClientError({ period: PERIOD, statistic: 'Sum', label: '4xx' }),
          props.api.metricServerError({ period: PERIOD, statistic: 'Sum', label: '5xx' }),
        ],
        12,
      ),
      graph(
        'API latency (ms)',
        [
          props.api.metricLatency({ period: PERIOD, statistic: 'p50', label: 'p50' }),
          props.api.metricLatency({ period: PERIOD, statistic: 'p99', label: 'p99' }),
        ],
        12,
      ),
    );
  }
}
