import { ArnFormat, CfnCondition, Fn, Stack, type CfnParameter } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { ConfigurationSet, EmailIdentity } from 'aws-cdk-lib/aws-ses';

export interface NoticeSendingProps {
  /** The sender identity the stack verifies (NoticeFromEmail). */
  emailIdentity: EmailIdentity;
  emailConfigurationSet: ConfigurationSet;
  /** SmsOriginationIdentity: an ARN (phone number, sender ID or pool), or empty to let End User Messaging choose. */
  smsOriginationIdentity: CfnParameter;
  smsConfigurationSetName: string;
}

/** An origination identity ARN End User Messaging SMS accepts, or nothing (the parameter's AllowedPattern). */
export const SMS_ORIGINATION_IDENTITY_PATTERN = '^$|^arn:aws[a-z-]*:sms-voice:[a-z0-9-]+:[0-9]{12}:(phone-number|sender-id|pool)/[A-Za-z0-9_/+-]+$';

/**
 * The notifier sends as the stack's SES identity through its configuration set, and SMS through its End User
 * Messaging configuration set from the configured origination identity, and as nothing else. IAM checks every
 * resource a request names: with SmsOriginationIdentity empty the request names only the configuration set, and the
 * service picks an identity of the account (the parameter's documented meaning).
 */
export function grantNoticeSending(notifier: IGrantable, props: NoticeSendingProps): void {
  const stack = Stack.of(props.emailIdentity);
  notifier.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['ses:SendEmail'],
      resources: [
        props.emailIdentity.emailIdentityArn,
        stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: props.emailConfigurationSet.configurationSetName }),
      ],
    }),
  );
  props.smsOriginationIdentity.allowedPattern = SMS_ORIGINATION_IDENTITY_PATTERN;
  props.smsOriginationIdentity.constraintDescription = 'an End User Messaging phone number, sender ID or pool ARN, or empty';
  const hasIdentity = new CfnCondition(stack, 'HasSmsOriginationIdentity', { expression: Fn.conditionNot(Fn.conditionEquals(props.smsOriginationIdentity.valueAsString, '')) });
  notifier.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['sms-voice:SendTextMessage'],
      resources: [
        stack.formatArn({ service: 'sms-voice', resource: 'configuration-set', resourceName: props.smsConfigurationSetName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }),
        Fn.conditionIf(hasIdentity.logicalId, props.smsOriginationIdentity.valueAsString, Fn.ref('AWS::NoValue')).toString(),
      ],
    }),
  );
}
