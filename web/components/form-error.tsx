/** A form's server-action error, announced to screen readers; nothing when there is none. */
export function FormError({ error }: { error: string | null }) {
  return error ? (
    <p role="alert" className="error">
      {error}
    </p>
  ) : null;
}
