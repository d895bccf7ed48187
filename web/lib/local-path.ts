const base = 'http://lockstep.invalid';

/**
 * Where to go after signing in: a path of this site only, never another origin however it is spelled. The
 * URL parser resolves dot segments, so `/.//evil.com` and `/..//evil.com` come out as `//evil.com`, which a
 * browser reads as a protocol-relative URL to another host: a path that starts with two slashes (or a slash
 * and a backslash) is refused like a foreign origin.
 */
export function localPath(next: string): string {
  try {
    const url = new URL(next || '/', base);
    if (url.origin !== base) return '/';
    const path = `${url.pathname}${url.search}${url.hash}`;
    return /^\/[/\\]/.test(path) ? '/' : path;
  } catch {
    return '/';
  }
}
