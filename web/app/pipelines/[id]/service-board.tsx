'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition, type DragEvent } from 'react';
import { FormError } from '@/components/form-error';
import type { ServiceType } from '@/lib/graphql-types';
import { serviceTypes } from '@/lib/labels';
import { moveService } from './actions';

interface BoardStage {
  id: string;
  name: string;
  services: Array<{ id: string; name: string; type: ServiceType | null }>;
}

const dragType = 'application/x-lockstep-service';

/**
 * An environment pipeline's services in their stages. An ADMIN moves one by dragging it onto another stage,
 * or with its "Move to" menu (the keyboard's way); each service stays in exactly one stage.
 */
export function ServiceBoard({
  pipelineId,
  stages: initial,
  editable,
}: {
  pipelineId: string;
  stages: BoardStage[];
  editable: boolean;
}) {
  const router = useRouter();
  const [stages, setStages] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [over, setOver] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const move = (serviceId: string, toStageId: string) => {
    const service = stages.flatMap((s) => s.services).find((s) => s.id === serviceId);
    if (!service || stages.find((s) => s.id === toStageId)?.services.some((s) => s.id === serviceId)) return;
    setStages((now) =>
      now.map((stage) => ({
        ...stage,
        services:
          stage.id === toStageId
            ? [...stage.services, service].sort((a, b) => a.name.localeCompare(b.name))
            : stage.services.filter((s) => s.id !== serviceId),
      })),
    );
    startTransition(async () => {
      const outcome = await moveService(pipelineId, serviceId, toStageId);
      setError(outcome.error);
      if (outcome.error) setStages(initial);
      router.refresh();
    });
  };

  const drop = (stageId: string) => (event: DragEvent) => {
    event.preventDefault();
    setOver(null);
    const serviceId = event.dataTransfer.getData(dragType);
    if (serviceId) move(serviceId, stageId);
  };

  return (
    <div aria-busy={pending}>
      <h2>Services by stage</h2>
      <p className="muted">
        Each service of the environment is in exactly one stage; its Deployments run there, up to the stage’s
        parallelism at once.{editable ? ' Drag a service to another stage, or use its Move to menu.' : ''}
      </p>
      <FormError error={error} />
      <ol className="board">
        {stages.map((stage) => (
          <li
            key={stage.id}
            className={`board-stage${over === stage.id ? ' is-over' : ''}`}
            aria-label={`Services in ${stage.name}`}
            data-board-stage={stage.name}
            onDragOver={
              editable
                ? (event) => {
                    if (!event.dataTransfer.types.includes(dragType)) return;
                    event.preventDefault();
                    setOver(stage.id);
                  }
                : undefined
            }
            onDragLeave={editable ? () => setOver((o) => (o === stage.id ? null : o)) : undefined}
            onDrop={editable ? drop(stage.id) : undefined}
          >
            <h3>{stage.name}</h3>
            {stage.services.length === 0 ? <p className="muted">no services</p> : null}
            <ul>
              {stage.services.map((service) => (
                <li
                  key={service.id}
                  className="chip"
                  data-service={service.name}
                  draggable={editable}
                  onDragStart={(event) => {
                    event.dataTransfer.setData(dragType, service.id);
                    event.dataTransfer.effectAllowed = 'move';
                  }}
                >
                  <span>
                    {service.name}
                    {service.type ? <span className="muted"> · {serviceTypes[service.type]}</span> : null}
                  </span>
                  {editable ? (
                    <select
                      aria-label={`Move ${service.name} to`}
                      value={stage.id}
                      disabled={pending}
                      onChange={(event) => move(service.id, event.target.value)}
                    >
                      {stages.map((target) => (
                        <option key={target.id} value={target.id}>
                          {target.id === stage.id ? `in ${target.name}` : `→ ${target.name}`}
                        </option>
                      ))}
                    </select>
                  ) : null}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
    </div>
  );
}
