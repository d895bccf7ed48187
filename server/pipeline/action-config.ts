import type { ActionKind } from '../../db/domain';
import { hasMalformedReference, secretReferences } from '../../db/secret-references';
import { badInput } from '../errors';
import { httpUrl, intInRange, isUuid, optionalText } from '../graphql/validate';

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;
const httpMethods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** A JSON object (not an array or null) with no NUL character anywhere in it. */
export function plainObject(field: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw badInput(field, 'must be an object');
  const nul = pathOfNul(value, field);
  if (nul) throw badInput(nul, 'must not contain NUL characters');
  return value as Record<string, unknown>;
}

/** Where in a JSON value a string (or key) holds a NUL character, which PostgreSQL cannot store. */
function pathOfNul(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\0') ? path : null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = pathOfNul(item, `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\0')) return path;
      const found = pathOfNul(item, `${path}.${key}`);
      if (found) return found;
    }
  }
  return null;
}

function onlyKeys(field: string, config: Record<string, unknown>, allowed: string[]): void {
  const unknown = Object.keys(config).filter((key) => !allowed.includes(key));
  if (unknown.length > 0)
    throw badInput(
      field,
      `unknown key ${unknown.map((k) => `"${k}"`).join(', ')}; allowed: ${allowed.join(', ')}`,
    );
}

/** Validates each action kind's `config`, returning what is stored. */
export const configValidators: Record<
  ActionKind,
  (field: string, config: Record<string, unknown>) => Record<string, unknown>
> = {
  COMMAND(field, config) {
    onlyKeys(field, config, ['command', 'env', 'workingDirectory']);
    if (typeof config.command !== 'string' || config.command.trim() === '') {
      throw badInput(`${field}.command`, 'must be a non-blank shell command');
    }
    if (config.command.length > 65_536)
      throw badInput(`${field}.command`, 'must be at most 65536 characters');
    const result: Record<string, unknown> = { command: config.command };
    if (config.env !== undefined && config.env !== null) {
      const env = plainObject(`${field}.env`, config.env);
      for (const [key, value] of Object.entries(env)) {
        if (!envName.test(key))
          throw badInput(`${field}.env`, `"${key}" is not a valid environment variable name`);
        if (key.startsWith('LOCKSTEP_'))
          throw badInput(`${field}.env`, `"${key}": LOCKSTEP_* variables are set by Lockstep`);
        if (typeof value !== 'string') throw badInput(`${field}.env.${key}`, 'must be a string');
      }
      result.env = env;
    }
    if (config.workingDirectory !== undefined && config.workingDirectory !== null) {
      if (typeof config.workingDirectory !== 'string' || !config.workingDirectory.startsWith('/')) {
        throw badInput(`${field}.workingDirectory`, 'must be an absolute path');
      }
      result.workingDirectory = config.workingDirectory;
    }
    return result;
  },
  APPROVAL(field, config) {
    onlyKeys(field, config, ['requiredApprovals', 'allowSelfApproval', 'timeoutSeconds', 'instructions']);
    const result: Record<string, unknown> = {
      requiredApprovals: intInRange(
        `${field}.requiredApprovals`,
        config.requiredApprovals as number | undefined,
        1,
        20,
        1,
      ),
    };
    if (config.allowSelfApproval !== undefined && config.allowSelfApproval !== null) {
      if (typeof config.allowSelfApproval !== 'boolean')
        throw badInput(`${field}.allowSelfApproval`, 'must be true or false');
      result.allowSelfApproval = config.allowSelfApproval;
    }
    if (config.timeoutSeconds !== undefined && config.timeoutSeconds !== null) {
      result.timeoutSeconds = intInRange(
        `${field}.timeoutSeconds`,
        config.timeoutSeconds as number,
        1,
        30 * 86_400,
        0,
      );
    }
    if (config.instructions !== undefined && config.instructions !== null) {
      if (typeof config.instructions !== 'string')
        throw badInput(`${field}.instructions`, 'must be a string');
      result.instructions = optionalText(`${field}.instructions`, config.instructions, 2000);
    }
    return result;
  },
  DEPLOYMENT(field, config) {
    onlyKeys(field, config, ['deploymentId']);
    if (typeof config.deploymentId !== 'string' || !isUuid(config.deploymentId))
      throw badInput(`${field}.deploymentId`, 'must be the id of a deployment');
    return { deploymentId: config.deploymentId };
  },
  WAIT(field, config) {
    onlyKeys(field, config, ['seconds']);
    if (config.seconds === undefined || config.seconds === null)
      throw badInput(`${field}.seconds`, 'is required');
    return { seconds: intInRange(`${field}.seconds`, config.seconds as number, 1, 30 * 86_400, 0) };
  },
  HTTP(field, config) {
    onlyKeys(field, config, ['url', 'method', 'headers', 'body', 'expectStatus']);
    for (const key of ['url', 'body'] as const) {
      if (typeof config[key] === 'string' && secretReferences(config[key]).length > 0)
        throw badInput(
          `${field}.${key}`,
          'cannot name a secret: only header values can (${{ secrets.NAME }})',
        );
    }
    const url = httpUrl(`${field}.url`, String(config.url));
    const result: Record<string, unknown> = { url: url.toString() };
    if (config.method !== undefined && config.method !== null) {
      const method = typeof config.method === 'string' ? config.method.toUpperCase() : '';
      if (!httpMethods.includes(method))
        throw badInput(`${field}.method`, `must be one of ${httpMethods.join(', ')}`);
      result.method = method;
    }
    if (config.headers !== undefined && config.headers !== null) {
      const headers = plainObject(`${field}.headers`, config.headers);
      for (const [name, value] of Object.entries(headers)) {
        if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
          throw badInput(`${field}.headers`, `"${name}" is not a valid header name`);
        if (typeof value !== 'string') throw badInput(`${field}.headers.${name}`, 'must be a string');
        if (hasMalformedReference(value))
          throw badInput(
            `${field}.headers.${name}`,
            'has a malformed secret reference: write ${{ secrets.NAME }} (NAME: letters, digits and _)',
          );
      }
      result.headers = headers;
    }
    if (config.body !== undefined && config.body !== null) {
      if (typeof config.body !== 'string') throw badInput(`${field}.body`, 'must be a string');
      if (config.body.length > 1_048_576) throw badInput(`${field}.body`, 'must be at most 1 MiB');
      result.body = config.body;
    }
    if (config.expectStatus !== undefined && config.expectStatus !== null) {
      result.expectStatus = intInRange(`${field}.expectStatus`, config.expectStatus as number, 100, 599, 200);
    }
    return result;
  },
};
