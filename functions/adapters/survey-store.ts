import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ASPECTS, type SurveyAnswer } from '../domain/satisfaction.js';
import { keys, writeIf } from './dynamo.js';
import type { SurveyBucket } from './satisfaction-store.js';

export interface SurveyRecord {
  token: string;
  caseId: string;
  locale: string;
  createdAt: string;
  expiresAt: string;
  answeredAt?: string;
  /** The overall score. */
  rating?: number;
  speed?: number;
  resolution?: number;
  attitude?: number;
  comment?: string;
  /** Where its invitation was counted (satisfaction-store.ts), for the answer; absent on surveys sent before 5 December. */
  invitedIn?: SurveyBucket;
}

/** Survey links: an unguessable single-use token per case, valid until it expires. */
export class SurveyStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(survey: SurveyRecord): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.survey(survey.token), ...survey, ttl: Math.floor(Date.parse(survey.expiresAt) / 1000) + 90 * 86_400 },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  /**
   * Creates the survey unless its token's survey is there already (a case's token drawn at intake, used again by a
   * retried step): then that one is kept as it is and returned. A token is a case's own (24 random bytes).
   */
  async createOnce(survey: SurveyRecord): Promise<SurveyRecord> {
    const item = { ...keys.survey(survey.token), ...survey, ttl: Math.floor(Date.parse(survey.expiresAt) / 1000) + 90 * 86_400 };
    if (await writeIf(this.db, new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }))) return survey;
    const existing = await this.get(survey.token);
    if (existing?.caseId !== survey.caseId) throw new Error(`survey token of case ${survey.caseId} belongs to another survey`);
    return existing;
  }

  async get(token: string): Promise<SurveyRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.survey(token), ConsistentRead: true }));
    if (!out.Item) return undefined;
    const { pk: _pk, sk: _sk, ttl: _ttl, ...survey } = out.Item;
    return survey as SurveyRecord;
  }

  /** Records the answer once; false when it was already answered or has expired. */
  async answer(token: string, answer: SurveyAnswer, now: Date): Promise<boolean> {
    const aspects = ASPECTS.filter((aspect) => answer[aspect] !== undefined);
    return writeIf(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.survey(token),
        UpdateExpression: `SET ${['answeredAt = :now', 'rating = :r', '#comment = :c', ...aspects.map((a) => `${a} = :${a}`)].join(', ')}`,
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(answeredAt) AND expiresAt > :now',
        ExpressionAttributeNames: { '#comment': 'comment' },
        ExpressionAttributeValues: {
          ':now': now.toISOString(),
          ':r': answer.overall,
          ':c': answer.comment,
          ...Object.fromEntries(aspects.map((a) => [`:${a}`, answer[a]])),
        },
      }),
    );
  }
}
