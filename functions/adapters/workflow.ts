import { type SFNClient, SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';

/** The case workflow as the functions see it: start one per case, resume a waiting step. */
export class CaseWorkflow {
  constructor(
    private readonly sfn: SFNClient,
    /** Only the intake function starts executions; steps inside the workflow only resume it (and must not name it: a cycle). */
    private readonly stateMachineArn: string | undefined,
  ) {}

  /**
   * Starts the case's execution, named by case id (and round): a second start for the same case (a redelivered message)
   * is answered by Step Functions with the running execution, or refused as already existing; both are fine.
   */
  async start(caseId: string, round = 0): Promise<void> {
    if (!this.stateMachineArn) throw new Error('STATE_MACHINE_ARN is not configured for this function');
    // A reopened case (a dispute) runs again in an execution of its own: `round` also keeps its notices apart.
    const name = round === 0 ? caseId : `${caseId}-dispute-${round}`;
    try {
      await this.sfn.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify({ caseId, round, dispute: round > 0 }) }));
    } catch (error) {
      if (error instanceof Error && error.name === 'ExecutionAlreadyExists') return;
      throw error;
    }
  }

  /** Hands a signal to a waiting step. A token that already finished (timed out, resumed) is not an error here. */
  async resume(taskToken: string, output: object): Promise<'resumed' | 'gone'> {
    return answered(this.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })), 'resumed');
  }

  /** Ends a waiting step with a named error, which the step's Retry and Catch see as they would a Lambda's. */
  async fail(taskToken: string, error: string, cause: string): Promise<'failed' | 'gone'> {
    return answered(this.sfn.send(new SendTaskFailureCommand({ taskToken, error, cause })), 'failed');
  }
}

/** A token that already finished (timed out, resumed) is not an error here: 'gone'. */
async function answered<T extends string>(sent: Promise<unknown>, outcome: T): Promise<T | 'gone'> {
  try {
    await sent;
    return outcome;
  } catch (error) {
    if (error instanceof Error && (error.name === 'TaskTimedOut' || error.name === 'InvalidToken' || error.name === 'TaskDoesNotExist')) return 'gone';
    throw error;
  }
}
