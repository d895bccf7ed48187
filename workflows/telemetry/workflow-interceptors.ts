/**
 * The Temporal SDK's OpenTelemetry workflow interceptors, behind the patch `otel-tracing`. Bundled with
 * the workflow code (it runs in the workflow sandbox).
 *
 * Why the patch: the SDK's workflow tracer draws span ids from the workflow's seeded random numbers, the
 * same sequence `uuid4()` uses for child workflow ids, so a run started without the interceptors would get
 * other ids on replay with them and fail as nondeterministic. Runs started before this patch keep tracing
 * off for their whole life; runs started after record the patch marker first and are traced.
 */
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow';
import { patched, type WorkflowInterceptors } from '@temporalio/workflow';

type Method = (input: unknown, next: (input: unknown) => unknown) => unknown;

/** `target`'s `methods`, each passing straight to `next` while tracing is off. */
function gated<T extends object>(target: T, methods: Array<keyof T & string>, on: () => boolean): T {
  const gate: Record<string, Method> = {};
  for (const method of methods) {
    const traced = (target[method] as Method).bind(target);
    gate[method] = (input, next) => (on() ? traced(input, next) : next(input));
  }
  return gate as T;
}

export const interceptors = (): WorkflowInterceptors => {
  // Per workflow: this factory runs once for each workflow execution.
  let tracing = false;
  const on = () => tracing;
  const inbound = new OpenTelemetryInboundInterceptor();
  const traceSignal = gated(inbound, ['handleSignal', 'handleUpdate', 'handleQuery'], on);
  return {
    inbound: [
      {
        ...traceSignal,
        validateUpdate: (input, next) => (tracing ? inbound.validateUpdate(input, next) : next(input)),
        execute: (input, next) => {
          tracing = patched('otel-tracing');
          return tracing ? inbound.execute(input, next) : next(input);
        },
      },
    ],
    outbound: [
      gated(
        new OpenTelemetryOutboundInterceptor(),
        [
          'scheduleActivity',
          'scheduleLocalActivity',
          'startChildWorkflowExecution',
          'continueAsNew',
          'signalWorkflow',
          'getLogAttributes',
          'getMetricTags',
        ],
        on,
      ),
    ],
    internals: [gated(new OpenTelemetryInternalsInterceptor(), ['dispose'], on)],
  };
};
