/** A text field of a submitted form, trimmed; '' when absent or a file. */
export function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value.trim() : '';
}

/** What a form's server action answers: an error to show beside it, or none. */
export interface ActionResult {
  error: string | null;
  /** The API's path of the input at fault, when it named one. */
  field?: string | null;
}
