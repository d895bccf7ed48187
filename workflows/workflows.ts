// The workflow bundle's entry point: every workflow type the worker registers.
export { pipelineRunWorkflow } from './pipeline-run.workflow';
