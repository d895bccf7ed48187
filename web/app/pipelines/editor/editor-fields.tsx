'use client';

import { createContext, useContext, useId, type ReactNode } from 'react';

/** Where the last save's error points: the shown field's API path and the message. */
export const FieldErrorContext = createContext<{ field: string; message: string } | null>(null);

function useFieldError(path: string) {
  const error = useContext(FieldErrorContext);
  const id = useId();
  const message = error && error.field === path ? error.message : null;
  return {
    id,
    message,
    control: {
      id,
      'aria-invalid': message ? true : undefined,
      'aria-describedby': message ? `${id}-error` : undefined,
      'data-field': path,
    },
    note: message ? (
      <span id={`${id}-error`} role="alert" className="field-error">
        {message}
      </span>
    ) : null,
  };
}

/**
 * A labelled control whose API error, if any, is shown under it and tied to it for screen readers. The label
 * names the control by `for`, not by wrapping it, so a select's options are not part of its name.
 */
function Labelled({
  id,
  label,
  className,
  children,
}: {
  id: string;
  label: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={`field${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
    </div>
  );
}

export function TextField(props: {
  label: string;
  path: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  multiline?: boolean;
  wide?: boolean;
}) {
  const { id, control, note } = useFieldError(props.path);
  const common = {
    ...control,
    value: props.value,
    placeholder: props.placeholder,
    onChange: (e: { target: { value: string } }) => props.onChange(e.target.value),
  };
  return (
    <Labelled id={id} label={props.label} className={props.wide ? 'wide' : undefined}>
      {props.multiline ? <textarea rows={3} {...common} /> : <input {...common} />}
      {note}
    </Labelled>
  );
}

export function NumberField(props: {
  label: string;
  path: string;
  value: string;
  onChange: (value: string) => void;
  min?: number;
  step?: string;
}) {
  const { id, control, note } = useFieldError(props.path);
  return (
    <Labelled id={id} label={props.label} className="short">
      <input
        {...control}
        type="number"
        inputMode="numeric"
        min={props.min}
        step={props.step ?? '1'}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {note}
    </Labelled>
  );
}

export function SelectField(props: {
  label: string;
  path: string;
  value: string;
  onChange: (value: string) => void;
  options: Array<{ value: string; label: string }>;
}) {
  const { id, control, note } = useFieldError(props.path);
  return (
    <Labelled id={id} label={props.label}>
      <select {...control} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {note}
    </Labelled>
  );
}

export function CheckField(props: { label: string; checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <label className="field check">
      <input type="checkbox" checked={props.checked} onChange={(e) => props.onChange(e.target.checked)} />
      <span>{props.label}</span>
    </label>
  );
}

/** An error about a whole list (a stage with no action, two stages of one name), shown above it. */
export function ListError({ path }: { path: string }) {
  const { note } = useFieldError(path);
  return note ? <p className="error">{note}</p> : null;
}
