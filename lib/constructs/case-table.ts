import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { DataKey } from './data-key.js';
import { LOOKUP_INDEX, LOOKUP_INDEX_ATTRIBUTES } from '../../functions/adapters/case-index.js';

/**
 * The single table: a case's items share its partition (case, contact, timeline, notices, waits), beside webhook
 * receipts, open-case locks and survey links. GSI1 lists cases in the statuses operators list from (awaiting_review,
 * needs_attention, awaiting_carrier, awaiting_evidence, awaiting_return: functions/domain/status-index.ts). GSI2, the due index, lists items by the
 * time something falls due (gsi2pk = what, gsi2sk = `<ISO time>#<id>`): SLA clocks, shipments to poll, deferred
 * notices. Items leave it by dropping the attributes, so scheduled jobs query what is due instead of scanning. GSI3, the
 * lookup index, finds cases by order, customer, month, type and assignee and access-log entries by operator (its
 * layout: functions/adapters/case-index.ts). Encrypted at rest, point-in-time
 * recovery on, and kept when the stack is deleted: it is the record of every case.
 */
export class CaseTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      ...(DataKey.of(this) ? { encryption: TableEncryption.CUSTOMER_MANAGED, encryptionKey: DataKey.of(this) } : { encryption: TableEncryption.AWS_MANAGED }),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'ttl',
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: 'gsi1',
      partitionKey: { name: 'gsi1pk', type: AttributeType.STRING },
      sortKey: { name: 'gsi1sk', type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: 'gsi2',
      partitionKey: { name: 'gsi2pk', type: AttributeType.STRING },
      sortKey: { name: 'gsi2sk', type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: LOOKUP_INDEX,
      partitionKey: { name: 'gsi3pk', type: AttributeType.STRING },
      sortKey: { name: 'gsi3sk', type: AttributeType.STRING },
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...LOOKUP_INDEX_ATTRIBUTES],
    });
  }
}
