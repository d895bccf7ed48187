/**
 * The contract between the API and the engine: workflow names and ids, inputs, and the run plan. Workflow
 * code, activities and the server all import these same definitions. Only types come from db/, so these
 * modules stay safe for Temporal's deterministic workflow sandbox.
 */
export * from './pipeline-run';
export * from './actions';
export * from './deployment-run';
export * from './projection';
export * from './profiles';
export * from './webhook-delivery';
export * from './releases';
export * from './schedule';
export * from './freeze';
