import { artifactRules, type ArtifactFact } from '../../db/releases/artifacts';
import { badInput } from '../errors';
import { optionalText, requiredText } from '../graphql/validate';
import type { ArtifactInput } from './release.types';

const { maxLength } = artifactRules;

/** Reported artifacts, checked by the rules a command's follow: at most 50, one per name. */
export function artifactFacts(field: string, inputs: ArtifactInput[] | null | undefined): ArtifactFact[] {
  const list = inputs ?? [];
  if (list.length > artifactRules.maxCount)
    throw badInput(field, `at most ${artifactRules.maxCount} artifacts`);
  const seen = new Set<string>();
  return list.map((input, i) => {
    const name = requiredText(`${field}[${i}].name`, input.name, maxLength.name);
    if (!artifactRules.name.test(name))
      throw badInput(`${field}[${i}].name`, 'may hold only letters, digits, ".", "_" and "-"');
    if (seen.has(name)) throw badInput(`${field}[${i}].name`, `"${name}" is listed twice`);
    seen.add(name);
    const digest = optionalText(`${field}[${i}].digest`, input.digest, maxLength.digest);
    if (digest !== null && !artifactRules.digest.test(digest))
      throw badInput(`${field}[${i}].digest`, 'must look like "sha256:<hex>"');
    return {
      name,
      version: requiredText(`${field}[${i}].version`, input.version, maxLength.version),
      digest,
      uri: optionalText(`${field}[${i}].uri`, input.uri, maxLength.uri),
    };
  });
}
