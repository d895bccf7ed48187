import type { ActionKind } from '../../db/domain';
import { isOnlyReferences } from '../../db/secret-references';

/**
 * An action's config as a VIEWER reads it. Config is where an author may have written a credential (a
 * token in an HTTP header, a URL or a body, a password in a command or its env), and VIEWER tokens go to
 * dashboards and reporting scripts: every text value is served as `***`, except references, which name
 * something without holding it (a DEPLOYMENT's deploymentId, a header value that only names secrets such as
 * `Bearer ${{ secrets.TOKEN }}`). Keys, numbers and booleans show the config's shape as stored. OPERATOR and
 * up read config as stored.
 */
export function configForViewer(kind: ActionKind, config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => [
      key,
      kind === 'DEPLOYMENT' && key === 'deploymentId' ? value : redacted(value),
    ]),
  );
}

function redacted(value: unknown): unknown {
  if (typeof value === 'string') return isOnlyReferences(value) ? value : '***';
  if (Array.isArray(value)) return value.map(redacted);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redacted(item)]));
  return value;
}
