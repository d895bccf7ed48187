import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { Mask } from '../../db/secret-masker';

/**
 * The error an activity that holds secrets throws, with its message and stack trace masked: Temporal keeps
 * both in the workflow history, and the workflow turns the message into failure reasons, attempt errors,
 * events and webhook payloads. The type and retryability stay (a plain Error stays retryable, as Temporal
 * would treat it); details and causes are not carried. Cancellation passes as it is: Temporal must
 * recognise it, and it carries nothing a command printed.
 */
export function maskedFailure(mask: Mask, error: unknown): unknown {
  if (error instanceof CancelledFailure || (error instanceof Error && error.name === 'AbortError'))
    return error;
  const message = mask(error instanceof Error ? error.message : String(error));
  const failure =
    error instanceof ApplicationFailure
      ? new ApplicationFailure(
          message,
          error.type,
          error.nonRetryable,
          undefined,
          undefined,
          error.nextRetryDelay,
          error.category,
        )
      : ApplicationFailure.create({ message, type: error instanceof Error ? error.name : 'Error' });
  if (error instanceof Error && error.stack) failure.stack = mask(error.stack);
  return failure;
}

/** The text an attempt records for a failure. */
export function failureMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
