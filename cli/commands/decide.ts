import type { Command } from 'commander';
import {
  ApproveActionDocument,
  ApprovePlanDocument,
  RejectActionDocument,
  RejectPlanDocument,
  type RunViewFragment,
} from '../client';
import { CliError } from './errors';
import { print } from './output';
import { runName, runRef } from './refs';
import { settingsOf } from './settings';

interface Waiting {
  /** stage/action, as printed. */
  label: string;
  actionName: string;
  /** An APPROVAL gate's action run, or a DEPLOYMENT action's run waiting for its plan approval. */
  target: { kind: 'gate'; actionRunId: string } | { kind: 'plan'; deploymentRunId: string };
}

/** The approvals a run waits for now: gates waiting for approval, Deployment plans waiting for one. */
function waitingApprovals(run: RunViewFragment): Waiting[] {
  return run.stages.flatMap((stage) =>
    stage.actions.flatMap((action): Waiting[] => {
      const label = `${stage.name}/${action.name}`;
      if (action.status === 'WAITING_FOR_APPROVAL')
        return [{ label, actionName: action.name, target: { kind: 'gate', actionRunId: action.id } }];
      if (action.kind === 'DEPLOYMENT' && action.deploymentRun?.status === 'WAITING')
        return [
          {
            label,
            actionName: action.name,
            target: { kind: 'plan', deploymentRunId: action.deploymentRun.id },
          },
        ];
      return [];
    }),
  );
}

function decisionCommand(program: Command, approve: boolean): void {
  const verb = approve ? 'approve' : 'reject';
  program
    .command(verb)
    .description(`${verb} the approval gate (or Deployment plan) the run waits at`)
    .argument('<run>', 'run id or PIPELINE#NUMBER')
    .option('--comment <comment>', 'a comment recorded with the decision')
    .option('--action <name>', 'which one, when the run waits at several')
    .action(async (runArg: string, options: { comment?: string; action?: string }, command: Command) => {
      const settings = settingsOf(command);
      const run = await runRef(settings.client, runArg);
      const waiting = waitingApprovals(run).filter((w) => !options.action || w.actionName === options.action);
      if (waiting.length === 0)
        throw new CliError(
          `${runName(run)} waits at no approval${options.action ? ` named ${options.action}` : ''} (it is ${run.status})`,
        );
      if (waiting.length > 1)
        throw new CliError(
          `${runName(run)} waits at ${waiting.length} approvals (${waiting.map((w) => w.label).join(', ')}): choose one with --action`,
        );
      const [{ label, target }] = waiting as [Waiting];
      const comment = options.comment ?? null;
      let status: string;
      if (target.kind === 'gate') {
        const variables = { actionRunId: target.actionRunId, comment };
        status = approve
          ? (await settings.client.request(ApproveActionDocument, variables)).approveAction.status
          : (await settings.client.request(RejectActionDocument, variables)).rejectAction.status;
      } else {
        const variables = { deploymentRunId: target.deploymentRunId, comment };
        status = approve
          ? (await settings.client.request(ApprovePlanDocument, variables)).approveDeploymentPlan.status
          : (await settings.client.request(RejectPlanDocument, variables)).rejectDeploymentPlan.status;
      }
      print(
        settings,
        { run: runName(run), runId: run.id, approval: label, decision: verb, status },
        () => `${runName(run)} ${label}: ${approve ? 'approved' : 'rejected'}`,
      );
    });
}

export function registerDecisionCommands(program: Command): void {
  decisionCommand(program, true);
  decisionCommand(program, false);
}
