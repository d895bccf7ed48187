import type { RevisionFact } from '../../workflows/definitions';
import { badInput } from '../errors';
import { optionalText } from '../graphql/validate';
import type { CommitInput, Revision, RevisionInput } from './revision.types';

const shaPattern = /^[0-9a-f]{7,64}$/i;

/** A revision or commit as given, checked and normalised (lower-case SHA, ISO time) as runs store it. */
export function revisionFact(field: string, input: RevisionInput | CommitInput): RevisionFact {
  const sha = input.sha.trim();
  if (!shaPattern.test(sha))
    throw badInput(`${field}.sha`, 'must be a commit SHA (7 to 64 hexadecimal characters)');
  if (Number.isNaN(input.committedAt.getTime()))
    throw badInput(`${field}.committedAt`, 'must be a date-time');
  return {
    sha: sha.toLowerCase(),
    committedAt: input.committedAt.toISOString(),
    message: optionalText(`${field}.message`, input.message, 10_000),
    author: optionalText(`${field}.author`, input.author, 200),
  };
}

/** The revision columns of a pipeline run or deployment run row. */
interface RevisionColumns<Sha, At> {
  revisionSha: Sha;
  revisionMessage: string | null;
  revisionAuthor: string | null;
  revisionCommittedAt: At;
}

/** A row's revision as the API shows it; null for a deployment run reported without one. */
export function revisionOf(row: RevisionColumns<string, Date>): Revision;
export function revisionOf(row: RevisionColumns<string | null, Date | null>): Revision | null;
export function revisionOf(row: RevisionColumns<string | null, Date | null>): Revision | null {
  if (!row.revisionSha || !row.revisionCommittedAt) return null;
  return {
    sha: row.revisionSha,
    message: row.revisionMessage,
    author: row.revisionAuthor,
    committedAt: row.revisionCommittedAt,
  };
}
