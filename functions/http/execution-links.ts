/**
 * A case's Step Functions executions, newest last, each with its page: the first run is named by the case id, each
 * dispute round `{caseId}-dispute-{round}`. `linkTemplate` has `{executionArn}` / `{executionName}` to fill in (AWS:
 * the Step Functions console; locally /local/executions).
 */
export function executionLinks(stateMachineArn: string, linkTemplate: string) {
  return (caseId: string, rounds: number): Array<{ name: string; url: string }> =>
    Array.from({ length: rounds + 1 }, (_, round) => {
      const name = round === 0 ? caseId : `${caseId}-dispute-${round}`;
      const arn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
      return { name, url: linkTemplate.replace('{executionArn}', arn).replace('{executionName}', encodeURIComponent(name)) };
    });
}
