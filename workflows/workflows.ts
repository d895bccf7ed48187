// The workflow bundle's entry point: every workflow type the worker registers.
export { deploymentRunWorkflow } from './deployment-run.workflow';
export { pipelineRunWorkflow } from './pipeline-run.workflow';
export { webhookDeliveryWorkflow } from './webhook-delivery.workflow';
export { scheduledTriggerWorkflow } from './scheduled-trigger.workflow';
