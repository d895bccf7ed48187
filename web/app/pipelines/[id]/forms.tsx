'use client';

import { FormError } from '@/components/form-error';
import { useFormAction } from '@/components/use-form-action';
import { releaseChange, setTransition } from './actions';

export function ReleaseForm({ pipelineId }: { pipelineId: string }) {
  const [state, action, pending] = useFormAction(releaseChange);
  return (
    <form action={action} className="inline-form" aria-label="Release change">
      <input type="hidden" name="pipelineId" value={pipelineId} />
      <label>
        Revision
        <input name="sha" required placeholder="commit SHA" />
      </label>
      <label>
        Message
        <input name="message" placeholder="what changes" />
      </label>
      <label>
        Authored at (UTC)
        <input name="committedAt" type="datetime-local" title="the commit's author time, for lead time" />
      </label>
      <button type="submit" disabled={pending}>
        {pending ? 'Starting…' : 'Release change'}
      </button>
      <FormError error={state.error} />
    </form>
  );
}

export function TransitionToggle(props: {
  pipelineId: string;
  stageId: string;
  stageName: string;
  enabled: boolean;
}) {
  const [state, action, pending] = useFormAction(setTransition);
  return (
    <form action={action} className="inline-form" aria-label={`Transition into ${props.stageName}`}>
      <input type="hidden" name="pipelineId" value={props.pipelineId} />
      <input type="hidden" name="stageId" value={props.stageId} />
      <input type="hidden" name="enabled" value={String(!props.enabled)} />
      <span className={props.enabled ? 'good' : 'bad'}>
        {props.enabled ? 'transition on' : 'transition off'}
      </span>
      <label>
        Reason
        <input name="reason" placeholder={props.enabled ? 'why stop here' : 'why resume'} />
      </label>
      <button type="submit" disabled={pending}>
        {props.enabled ? 'Disable' : 'Enable'}
      </button>
      <FormError error={state.error} />
    </form>
  );
}
