import { CfnOutput, Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { type FunctionUrl, FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue, notEmptyAlarm, READ_DEAD_LETTER } from './dead-letter';
import { HouseFunction } from './house-function';
import { platformRuleFor } from './platform-rule';

/** Where the data repo lives and how to read it (CDK context `dataRepo`). */
export interface DataRepoSettings {
  /** The host whose REST API reads the repository. */
  readonly provider: 'github' | 'gitlab' | 'gitea';
  /** `owner/name` (GitLab: the full path); pushes from other repositories are ignored. */
  readonly repository?: string;
  /** @default 'main' */
  readonly branch?: string;
  /** API base URL (GitHub Enterprise, self-managed GitLab, Gitea/Forgejo). */
  readonly apiUrl?: string;
  /** Team → members (usernames or emails) for ownership checks; CODEOWNERS in the repo adds to it. */
  readonly teams?: Record<string, string[]>;
}

export interface DataRepoProps {
  readonly stage: string;
  readonly bus: IEventBus;
  readonly table: ITable;
  /** JSON `{"github": "…", "gitlab": "…", "gitea": "…", "forgejo": "…"}`: the webhook secrets per host. */
  readonly webhookSecret: ISecret;
  /** JSON `{"token": "…"}`: a read-only token for the host's API. */
  readonly gitTokenSecret: ISecret;
  readonly settings: DataRepoSettings;
}

/**
 * The data repo subsystem: a webhook receiver behind a Lambda function URL (hosts sign their deliveries, so
 * the URL is public and every request is verified in code before anything happens), and the push processor,
 * reached through the platform rule for `Git Push Received`, with its dead-letter queue and alarm.
 */
export class DataRepo extends Construct {
  public readonly receiver: HouseFunction;
  public readonly receiverUrl: FunctionUrl;
  public readonly processor: HouseFunction;
  public readonly rule: Rule;
  public readonly deadLetterQueue: Queue;
  public readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: DataRepoProps) {
    super(scope, id);
    const { stage, bus, table, settings } = props;
    const environment = {
      GIT_PROVIDER: settings.provider,
      DATA_REPO_BRANCH: settings.branch ?? 'main',
      ...(settings.repository ? { DATA_REPO: settings.repository } : {}),
      ...(settings.apiUrl ? { GIT_API_URL: settings.apiUrl } : {}),
      ...(settings.teams ? { TEAMS_JSON: JSON.stringify(settings.teams) } : {}),
    };

    this.receiver = new HouseFunction(this, 'Receiver', {
      handler: 'git-webhook',
      description: 'Verifies git push webhooks and puts one Git Push Received event on the platform bus',
      // Hosts give up after ~10 s; the receiver only verifies and forwards.
      memorySize: 256,
      timeout: Duration.seconds(10),
      environment: { ...environment, WEBHOOK_SECRET_ARN: props.webhookSecret.secretArn },
    });
    this.receiver.bindTable(table, 'RW', 'TABLE_NAME').bindBus(bus, 'EVENT_BUS_NAME');
    props.webhookSecret.grantRead(this.receiver);
    this.receiverUrl = this.receiver.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });
    new CfnOutput(this, 'WebhookUrl', {
      value: this.receiverUrl.url,
      description: 'Payload URL of the data repo webhook (push events; secret in the webhook secret)',
    });

    this.processor = new HouseFunction(this, 'PushProcessor', {
      handler: 'git-push-received',
      description: 'Publishes the product folders a push to the data repo touched, like uploads',
      // Streams CSV files from the git host through the validator, several folders at a time.
      memorySize: 1024,
      timeout: Duration.minutes(15),
      environment: { ...environment, GIT_TOKEN_SECRET_ARN: props.gitTokenSecret.secretArn },
    });
    this.processor.bindTable(table, 'RW', 'TABLE_NAME').bindBus(bus, 'EVENT_BUS_NAME');
    props.gitTokenSecret.grantRead(this.processor);

    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetterQueue');
    this.rule = platformRuleFor(this, 'git-push-received', bus, this.processor, this.deadLetterQueue);
    this.deadLetterAlarm = notEmptyAlarm(this, 'DeadLetterAlarm', this.deadLetterQueue, {
      alarmName: `data-mesh-${stage}-data-repo-dlq-not-empty`,
      description: [
        'Git Push Received events could not be processed (the git host timed out or failed three times,',
        'or EventBridge could not reach the function) and are parked in the data repo dead-letter queue.',
        `Runbook: 1) ${READ_DEAD_LETTER}, or responsePayload.errorMessage of the Lambda destination record`,
        '(GitProviderUnavailableError names the host and the request); 2) fix the cause (token, host outage);',
        '3) replay the window from the bus archive (aws events start-replay …): pushes are idempotent per',
        'commit range, so replaying processed ones changes nothing; 4) purge the queue.',
      ],
    });
  }
}
