import type { Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFunction, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { CONTACT_PARTITION_PREFIX } from '../../functions/adapters/dynamo.js';

/** Every item action of the table's grants, each of which can name a contact's key. */
const ITEM_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
];

/**
 * Customers' contacts (name, email, phone, address) live in their own partitions, `CONTACT#<caseId>`
 * (functions/adapters/dynamo.ts). Every function of the stack except `readers` is denied any item request naming
 * such a partition (dynamodb:LeadingKeys), and Scan, which names none and would read them all; an explicit deny wins
 * over the table grants. The readers: StartCase writes the contact of a new case, the Notifier sends to it, the ops API
 * and the console show it to operators (case view, privacy export); CloseCase and PrivacyRetention redact it (docs/privacy.md). Proactive contacts stay with their watched shipment
 * (SHIPMENT#<key>), which only the carrier functions and StartCase use.
 */
export function limitContactAccess(stack: Stack, table: ITable, readers: IFunction[]): void {
  const allowed = new Set<IFunction>(readers);
  const resources = [table.tableArn, `${table.tableArn}/index/*`];
  for (const fn of stack.node.findAll().filter((c): c is LambdaFunction => c instanceof LambdaFunction)) {
    if (allowed.has(fn)) continue;
    fn.addToRolePolicy(
      new PolicyStatement({
        sid: 'NoCustomerContacts',
        effect: Effect.DENY,
        actions: ITEM_ACTIONS,
        resources,
        conditions: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': [`${CONTACT_PARTITION_PREFIX}*`] } },
      }),
    );
    fn.addToRolePolicy(new PolicyStatement({ sid: 'NoTableScan', effect: Effect.DENY, actions: ['dynamodb:Scan'], resources }));
  }
}
