import { SFNClient, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';

/** The case workflow as the functions see it: start one per case, resume a waiting step. */
export class CaseWorkflow {
  constructor(
    private readonly sfn: SFNClient,
    /** Only the intake function starts executions; steps inside the workflow only resume it (and must not name it: a cycle). */
    private readonly stateMachineArn: string | undefined,
  ) {}

  /**
   * Starts the case's execution, named by case id: a second start for the same case (a redelivered message)
   * is answered by Step Functions with the running execution, or refused as already existing; both are fine.
   */
  async start(caseId: string): Promise<void> {
    if (!this.stateMachineArn) throw new Error('STATE_MACHINE_ARN is not configured for this function');
    try {
      await this.sfn.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name: caseId, input: JSON.stringify({ caseId }) }));
    } catch (error) {
      if (error instanceof Error && error.name === 'ExecutionAlreadyExists') return;
      throw error;
    }
  }

  /** Hands a signal to a waiting step. A token that already finished (timed out, resumed) is not an error here. */
  async resume(taskToken: string, output: object): Promise<'resumed' | 'gone'> {
    try {
      await this.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
      return 'resumed';
    } catch (error) {
      if (error instanceof Error && (error.name === 'TaskTimedOut' || error.name === 'InvalidToken' || error.name === 'TaskDoesNotExist')) {
        return 'gone';
      }
      throw error;
    }
  }
}
