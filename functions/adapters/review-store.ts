import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CaseRecord, ReviewDecided, ReviewProposal } from '../domain/case-record.js';
import { keys, setAssignments, writeIf } from './dynamo.js';

/** The fields an accepted decision sets on the case besides `review.decided`. */
export type DecisionPatch = Pick<CaseRecord, 'operatorDecision' | 'decision'> & Partial<Pick<CaseRecord, 'outcome' | 'reviewMode'>>;

/**
 * An operator review's decision, proposal and proposal rejection, each one conditional UpdateItem on the case item
 * keyed by the review round (`review.openedAt`): the case must still wait in that review, undecided. Of any number
 * of concurrent writers exactly one succeeds; the others get false and read who won. A new round (after evidence,
 * a dispute) has a new `openedAt`, so it starts afresh.
 */
export class ReviewStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Accepts the decision of the review opened at `openedAt`. Without `proposalAt` no proposal may be pending; with
   * it, that very proposal must still be the pending one (its confirmation).
   */
  async decide(caseId: string, openedAt: string, decided: ReviewDecided, patch: DecisionPatch, proposalAt?: string): Promise<boolean> {
    const sets: Record<string, unknown> = { ...patch, updatedAt: decided.at };
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':decided': decided };
    const assignments = setAssignments(sets, names, values);
    const proposal = proposalAt ? '#review.proposal.#at = :proposalAt' : 'attribute_not_exists(#review.proposal)';
    if (proposalAt) values[':proposalAt'] = proposalAt;
    return this.write(caseId, openedAt, `SET #review.decided = :decided, ${assignments.join(', ')}`, proposal, names, values);
  }

  /** Records a proposal (four eyes) on the open, undecided review that has none yet. */
  async propose(caseId: string, openedAt: string, proposal: ReviewProposal): Promise<boolean> {
    return this.write(
      caseId,
      openedAt,
      'SET #review.proposal = :proposal, updatedAt = :proposalAt',
      'attribute_not_exists(#review.proposal)',
      {},
      {
        ':proposal': proposal,
        ':proposalAt': proposal.at,
      },
    );
  }

  /** Drops the pending proposal made at `proposalAt`; the review stays open for a new decision. */
  async dropProposal(caseId: string, openedAt: string, proposalAt: string, at: string): Promise<boolean> {
    return this.write(caseId, openedAt, 'REMOVE #review.proposal SET updatedAt = :now', '#review.proposal.#at = :proposalAt', {}, { ':proposalAt': proposalAt, ':now': at });
  }

  private async write(
    caseId: string,
    openedAt: string,
    update: string,
    proposalCondition: string,
    names: Record<string, string>,
    values: Record<string, unknown>,
  ): Promise<boolean> {
    return writeIf(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.case(caseId),
        UpdateExpression: `${update} ADD #version :one`,
        ConditionExpression: `#status = :awaiting AND #review.openedAt = :opened AND attribute_not_exists(#review.decided) AND ${proposalCondition}`,
        ExpressionAttributeNames: { ...names, '#status': 'status', '#review': 'review', '#version': 'version', ...(proposalCondition.includes('#at') ? { '#at': 'at' } : {}) },
        ExpressionAttributeValues: { ...values, ':awaiting': 'awaiting_review', ':opened': openedAt, ':one': 1 },
      }),
    );
  }
}
