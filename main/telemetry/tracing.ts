import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { ClientInterceptors } from '@temporalio/client';
import type { WorkerTracing } from '../../workflows/telemetry/tracing';

export interface Tracing extends WorkerTracing {
  /** For the process's Temporal clients: continues the active span into the workflows they start and signal. */
  clientInterceptors: ClientInterceptors;
  /** Sends what is still buffered, then stops. */
  shutdown(): Promise<void>;
}

/**
 * OpenTelemetry for one process when an OTLP endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT): spans
 * are batched and sent as OTLP/HTTP JSON to `<endpoint>/v1/traces`, context propagates across awaits
 * (AsyncLocalStorage) and through W3C `traceparent` headers. Unset: undefined, and nothing is traced.
 */
export function startTracing(endpoint: string | undefined, serviceName: string): Tracing | undefined {
  if (!endpoint) return undefined;
  const resource = new Resource({ [ATTR_SERVICE_NAME]: serviceName });
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }), {
    scheduledDelayMillis: 1000,
  });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  return {
    resource,
    spanProcessor,
    clientInterceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] },
    shutdown: () => provider.shutdown(),
  };
}
