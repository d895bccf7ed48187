import path from 'node:path';
import type { Resource } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';

/**
 * The workflow interceptors (the SDK's OpenTelemetry ones behind a patch, `workflow-interceptors.ts`),
 * bundled with the workflow code always, tracing configured or not, so one bundle serves both. Spans leave
 * the sandbox through a sink, which is not called during replay.
 */
export const workflowInterceptorModules = [path.join(__dirname, 'workflow-interceptors.ts')];

/** Where the worker's spans go: its span processor (the OTLP exporter) and resource (service name). */
export interface WorkerTracing {
  spanProcessor: SpanProcessor;
  resource: Resource;
}

/** The activity interceptors that continue a workflow's trace into each activity. */
export const tracingActivityInterceptors: ActivityInterceptorsFactory = (ctx) => ({
  inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
  outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
});

/**
 * The sink the workflow interceptors export their spans through; without tracing, one that drops them
 * (the interceptors are in every bundle, and a sink they call must exist).
 */
export function tracingSinks(tracing: WorkerTracing | undefined): InjectedSinks<OpenTelemetrySinks> {
  return {
    exporter: tracing
      ? makeWorkflowExporter(tracing.spanProcessor, tracing.resource)
      : { export: { fn: () => undefined } },
  };
}
