/** A commit SHA (or an id) as people quote it: its first characters; '—' when there is none. */
export function short(value: string | null | undefined, length = 8): string {
  return value ? value.slice(0, length) : '—';
}

/** A duration in seconds as people say it: 45 s, 12 min, 3.4 h, 2.1 d. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  const abs = Math.abs(seconds);
  if (abs < 60) return `${seconds.toFixed(0)} s`;
  if (abs < 3600) return `${(seconds / 60).toFixed(0)} min`;
  if (abs < 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

export function percent(ratio: number | null | undefined): string {
  return ratio === null || ratio === undefined ? '—' : `${(ratio * 100).toFixed(1)} %`;
}

export function perDay(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (value >= 1) return `${value.toFixed(1)} / day`;
  return `${(value * 7).toFixed(1)} / week`;
}

export function dateTime(iso: string | null | undefined, timeZone = 'UTC'): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat('en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone,
  }).format(new Date(iso));
}

export function day(iso: string, timeZone = 'UTC'): string {
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone }).format(new Date(iso));
}

/** Seconds between two instants (the second defaults to now), for run and action durations. */
export function elapsed(from: string | null | undefined, to?: string | null): number | null {
  if (!from) return null;
  return ((to ? new Date(to) : new Date()).getTime() - new Date(from).getTime()) / 1000;
}

/**
 * A date from the URL as an ISO instant; null when absent or not a date (the filter is then ignored). A
 * plain date as an end (`until`) means through that whole day.
 */
export function isoOrNull(value: string | string[] | undefined, until = false): string | null {
  if (typeof value !== 'string' || !value) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return null;
  if (until && /^\d{4}-\d{2}-\d{2}$/.test(value)) date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString();
}
