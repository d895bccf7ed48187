import { Ajv, type ErrorObject } from 'ajv';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import schema from '../lockstep.schema.json';
import { CliError, exitCodes } from '../commands/errors';
import type { PipelinesAsCode } from './model';

export type Path = Array<string | number>;

/** Mistakes of a file, each `FILE:LINE: message`; the file changes nothing, exit 2. */
export class FileMistakes extends CliError {
  constructor(file: string, mistakes: Array<{ line: number; message: string }>) {
    const sorted = [...mistakes].sort((a, b) => a.line - b.line);
    super(sorted.map((m) => `${file}:${m.line}: ${m.message}`).join('\n'), exitCodes.usage);
  }
}

/** `pipelines[0].stages[1].name`, as messages print a path. */
export const pathText = (path: Path) =>
  path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`)).join('');

export interface LoadedFile {
  file: string;
  data: PipelinesAsCode;
  /** The line of the node at `path`, or of its nearest ancestor that the file has. */
  lineOf(path: Path, key?: string): number;
}

function lineFinder(document: Document, lines: LineCounter) {
  return (path: Path, key?: string): number => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = document.getIn(path.slice(0, depth), true) as Node | undefined;
      if (!node) continue;
      if (key && depth === path.length && isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
        const keyNode = pair?.key as Node | undefined;
        if (keyNode?.range) return lines.linePos(keyNode.range[0]).line;
      }
      if (node.range) return lines.linePos(node.range[0]).line;
    }
    return 1;
  };
}

const validate = new Ajv({ allErrors: true, strict: false }).compile<PipelinesAsCode>(schema);

function messageOf(error: ErrorObject): { path: Path; key?: string; message: string } {
  const path: Path = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const where = path.length > 0 ? `${pathText(path)}: ` : '';
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return {
        path,
        key: String(params.additionalProperty),
        message: `${where}unknown key "${String(params.additionalProperty)}"`,
      };
    case 'required':
      return { path, message: `${where}"${String(params.missingProperty)}" is required` };
    case 'enum':
      return { path, message: `${where}must be one of ${(params.allowedValues as unknown[]).join(', ')}` };
    default:
      return { path, message: `${where}${error.message ?? 'is not valid'}` };
  }
}

/**
 * Reads a pipelines-as-code file: YAML (syntax, duplicate keys) and then the JSON Schema
 * (cli/lockstep.schema.json). Every mistake is reported with its line at once.
 */
export function loadFile(file: string, text: string): LoadedFile {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const lineOf = lineFinder(document, lines);
  if (document.errors.length > 0) {
    throw new FileMistakes(
      file,
      document.errors.map((e) => ({
        line: lines.linePos(e.pos[0]).line,
        message: e.message.split('\n')[0] ?? 'not valid YAML',
      })),
    );
  }
  const data: unknown = document.toJS() ?? {};
  if (!validate(data)) {
    const seen = new Set<string>();
    const mistakes = (validate.errors ?? [])
      // An if/then pair also reports that "then" failed; the error inside it says what is wrong.
      .filter((e) => e.keyword !== 'if')
      .map(messageOf)
      .map(({ path, key, message }) => ({ line: lineOf(path, key), message }))
      .filter((m) => !seen.has(`${m.line}:${m.message}`) && seen.add(`${m.line}:${m.message}`));
    throw new FileMistakes(file, mistakes);
  }
  return { file, data, lineOf };
}
