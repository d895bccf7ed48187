import { short } from '@/lib/format';

/** Artifacts as a compact list: name, version and the start of the digest (the identity). */
export function ArtifactList({
  artifacts,
  label,
}: {
  artifacts: Array<{ name: string; version: string; digest: string | null }>;
  label: string;
}) {
  if (artifacts.length === 0) return null;
  return (
    <ul className="artifacts" aria-label={label}>
      {artifacts.map((a) => (
        <li key={a.name}>
          <span>{a.name}</span> <strong>{a.version}</strong>{' '}
          {a.digest ? <code title={a.digest}>{short(a.digest, 19)}</code> : null}
        </li>
      ))}
    </ul>
  );
}
