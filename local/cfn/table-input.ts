import type { CreateTableCommandInput, GlobalSecondaryIndex, LocalSecondaryIndex, ProvisionedThroughput } from '@aws-sdk/client-dynamodb';

type Props = Record<string, unknown>;

// Local throughput is meaningless; dynalite only insists it is present in PROVISIONED mode.
const DEFAULT_THROUGHPUT: ProvisionedThroughput = { ReadCapacityUnits: 5, WriteCapacityUnits: 5 };

/**
 * CreateTable input from resolved AWS::DynamoDB::Table / AWS::DynamoDB::GlobalTable properties.
 * Streams, TTL, SSE, tags and replicas are left out: dynalite has none of them, and none change
 * how items are keyed or queried.
 */
export function createTableInput(name: string, type: string, props: Props): CreateTableCommandInput {
  const onDemand = type === 'AWS::DynamoDB::GlobalTable' ? props.BillingMode !== 'PROVISIONED' : props.BillingMode === 'PAY_PER_REQUEST';
  const throughput = (value: unknown): ProvisionedThroughput | undefined => {
    if (onDemand) return undefined;
    const given = value as { ReadCapacityUnits?: unknown; WriteCapacityUnits?: unknown } | undefined;
    if (!given?.ReadCapacityUnits || !given.WriteCapacityUnits) return DEFAULT_THROUGHPUT;
    return { ReadCapacityUnits: Number(given.ReadCapacityUnits), WriteCapacityUnits: Number(given.WriteCapacityUnits) };
  };

  const gsis = (props.GlobalSecondaryIndexes as Props[] | undefined)?.map(
    (index): GlobalSecondaryIndex => ({
      IndexName: String(index.IndexName),
      KeySchema: index.KeySchema as GlobalSecondaryIndex['KeySchema'],
      Projection: index.Projection as GlobalSecondaryIndex['Projection'],
      ...(onDemand ? {} : { ProvisionedThroughput: throughput(index.ProvisionedThroughput) }),
    }),
  );
  const lsis = (props.LocalSecondaryIndexes as Props[] | undefined)?.map(
    (index): LocalSecondaryIndex => ({
      IndexName: String(index.IndexName),
      KeySchema: index.KeySchema as LocalSecondaryIndex['KeySchema'],
      Projection: index.Projection as LocalSecondaryIndex['Projection'],
    }),
  );

  return {
    TableName: name,
    KeySchema: props.KeySchema as CreateTableCommandInput['KeySchema'],
    AttributeDefinitions: props.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'],
    BillingMode: onDemand ? 'PAY_PER_REQUEST' : 'PROVISIONED',
    ...(onDemand ? {} : { ProvisionedThroughput: throughput(props.ProvisionedThroughput) }),
    ...(gsis?.length ? { GlobalSecondaryIndexes: gsis } : {}),
    ...(lsis?.length ? { LocalSecondaryIndexes: lsis } : {}),
  };
}
