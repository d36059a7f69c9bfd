import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { DeployConfig } from '../config.ts';

/**
 * The alerts topic in chat through AWS Chatbot, when `chat` asks for it. The digest reaches it as a
 * custom notification (the SNS sink publishes one per protocol), so chat holds the same lines as the
 * e-mail, worst first. The channel role may do nothing: chat here only listens.
 */
export function defineChat(scope: Construct, config: DeployConfig, alertsTopic: sns.ITopic): void {
  const name = `crm-guard-${config.envName}-alerts`;
  const role = (id: string) =>
    new iam.Role(scope, id, {
      assumedBy: new iam.ServicePrincipal('chatbot.amazonaws.com'),
      description: 'crm-guard chat channel: receives the alerts digest, may run nothing',
    });
  if (config.chat?.slack)
    new chatbot.SlackChannelConfiguration(scope, 'AlertsSlack', {
      slackChannelConfigurationName: name,
      slackWorkspaceId: config.chat.slack.workspaceId,
      slackChannelId: config.chat.slack.channelId,
      notificationTopics: [alertsTopic],
      role: role('AlertsSlackRole'),
      loggingLevel: chatbot.LoggingLevel.ERROR,
    });
  if (config.chat?.teams)
    new chatbot.CfnMicrosoftTeamsChannelConfiguration(scope, 'AlertsTeams', {
      configurationName: name,
      teamsTenantId: config.chat.teams.tenantId,
      teamId: config.chat.teams.teamId,
      teamsChannelId: config.chat.teams.channelId,
      iamRoleArn: role('AlertsTeamsRole').roleArn,
      snsTopicArns: [alertsTopic.topicArn],
      loggingLevel: 'ERROR',
    });
}
