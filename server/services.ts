import type { Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { DecisionProver } from '../db/decision-proof';
import type { SecretBox } from '../db/secret-box';
import { NotificationService } from './notification/notification.service';
import { SecretService } from './secret/secret.service';
import { ApplyService } from './apply/apply.service';
import { LookupPresenter } from './apply/lookup.presenter';
import { AuditPresenter } from './audit/audit.presenter';
import { AuditService } from './audit/audit.service';
import { TokenService } from './auth/token.service';
import { CatalogService } from './catalog/catalog.service';
import { DoraPresenter } from './dora/dora.presenter';
import { DeploymentPresenter } from './deployment/deployment.presenter';
import { DeploymentService } from './deployment/deployment.service';
import { DeploymentRunControlService } from './deployment/deployment-run-control.service';
import { ExternalDeploymentService } from './deployment/external-deployment.service';
import { FreezePresenter } from './freeze/freeze.presenter';
import { FreezeService } from './freeze/freeze.service';
import { IncidentPresenter } from './incident/incident.presenter';
import { IncidentService } from './incident/incident.service';
import { PipelinePresenter } from './pipeline/pipeline.presenter';
import { EnvironmentPipelineService } from './pipeline/environment-pipeline.service';
import { PipelineService } from './pipeline/pipeline.service';
import { HoldDecisionService } from './run/hold-decision.service';
import { RunControlService } from './run/run-control.service';
import { RunPresenter } from './run/run.presenter';
import { RunService } from './run/run.service';
import { ReleasePresenter } from './release/release.presenter';
import { SchedulePresenter } from './schedule/schedule.presenter';
import { ScheduleService } from './schedule/schedule.service';

export interface ServiceDeps {
  dataSource: DataSource;
  /** Seals secrets and webhook secrets; null when LOCKSTEP_SECRET_KEY is not set. */
  secretBox: SecretBox | null;
  temporal: Client;
  taskQueue: string;
  retryHoldSeconds: number;
  log?: (message: string) => void;
}

/** Writes are services, reads are presenters; each gets its handles here, so tests can pass their own. */
export function createServices({
  dataSource,
  secretBox,
  temporal,
  taskQueue,
  retryHoldSeconds,
  log = (message) => console.error(message),
}: ServiceDeps) {
  const catalog = new CatalogService(dataSource);
  const pipelines = new PipelineService(dataSource);
  const deployments = new DeploymentService(dataSource, temporal, taskQueue);
  const prover = secretBox ? DecisionProver.from(secretBox) : null;
  return {
    audit: new AuditService(dataSource, log),
    auditPresenter: new AuditPresenter(dataSource),
    tokens: new TokenService(dataSource),
    catalog,
    pipelines,
    pipelinePresenter: new PipelinePresenter(dataSource),
    environmentPipelines: new EnvironmentPipelineService(dataSource),
    runs: new RunService(dataSource, temporal, taskQueue, retryHoldSeconds),
    runPresenter: new RunPresenter(dataSource),
    runControl: new RunControlService(dataSource, temporal, prover),
    holdDecisions: new HoldDecisionService(dataSource, temporal, prover),
    deployments,
    deploymentRunControl: new DeploymentRunControlService(dataSource, temporal),
    deploymentPresenter: new DeploymentPresenter(dataSource),
    externalDeployments: new ExternalDeploymentService(dataSource),
    incidents: new IncidentService(dataSource),
    incidentPresenter: new IncidentPresenter(dataSource),
    secrets: new SecretService(dataSource, secretBox),
    doraPresenter: new DoraPresenter(dataSource),
    notifications: new NotificationService(dataSource, secretBox),
    releasePresenter: new ReleasePresenter(dataSource),
    apply: new ApplyService(dataSource, catalog, deployments, pipelines),
    lookup: new LookupPresenter(dataSource),
    schedules: new ScheduleService(dataSource, temporal, taskQueue),
    schedulePresenter: new SchedulePresenter(dataSource, temporal),
    freeze: new FreezeService(dataSource, temporal),
    freezePresenter: new FreezePresenter(dataSource),
  };
}

export type Services = ReturnType<typeof createServices>;
