/**
 * `${{ secrets.NAME }}`: how an HTTP action's header value names a secret. The definition, the run's
 * snapshot and the workflow history hold only the name; the worker puts the value in when it sends the
 * request, from the secrets in the action's scope (pipeline, then environment, then global).
 */
const reference = /\$\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** The names a text refers to, each once. */
export function secretReferences(text: string): string[] {
  return [...new Set([...text.matchAll(reference)].map((match) => match[1]!))];
}

/** Whether the text holds `${{` that is not a well-formed reference (a typo that would be sent as is). */
export function hasMalformedReference(text: string): boolean {
  return text.replace(reference, '').includes('${{');
}

/** Whether the text is nothing but references, after at most one word (`Bearer ${{ secrets.TOKEN }}`). */
export function isOnlyReferences(text: string): boolean {
  return (
    secretReferences(text).length > 0 && /^\s*([A-Za-z][\w-]*\s+)?\s*$/.test(text.replace(reference, ''))
  );
}

/** The text with each reference replaced by the secret's value; `missing` names those not in `secrets`. */
export function resolveReferences(
  text: string,
  secrets: Readonly<Record<string, string>>,
): { text: string; missing: string[] } {
  const missing = secretReferences(text).filter((name) => !Object.hasOwn(secrets, name));
  return { text: text.replace(reference, (whole, name: string) => secrets[name] ?? whole), missing };
}
