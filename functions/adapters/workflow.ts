import { SFNClient, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';

/** The case workflow as the functions see it: start one per case, resume a waiting step. */
export class CaseWorkflow {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  /**
   * Starts the case's execution, named by case id: a second start for the same case (a redelivered message)
   * is answered by Step Functions with the running execution, or refused as already existing; both are fine.
   */
  async start(caseId: string): Promise<void> {
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
