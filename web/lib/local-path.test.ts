import { describe, expect, it } from 'vitest';
import { localPath } from './local-path';

describe('localPath (the sign-in redirect)', () => {
  it.each([
    '/.//evil.com',
    '/..//evil.com',
    '/./..//evil.com',
    '/a/../..//evil.com',
    '/.%2e//evil.com',
    '/.\\/evil.com',
    '//evil.com',
    '/\\evil.com',
    '\\\\evil.com',
    '/\t/evil.com',
    'https://evil.com/runs',
    'javascript:alert(1)',
  ])('refuses %j, which a browser would take to another host', (next) => {
    expect(localPath(next)).toBe('/');
  });

  it.each([
    ['/runs/42?tab=logs#compile', '/runs/42?tab=logs#compile'],
    ['/pipelines/../runs', '/runs'],
    ['/a//b', '/a//b'],
    ['runs', '/runs'],
    ['', '/'],
  ])('keeps the local path %j as %j', (next, expected) => {
    expect(localPath(next)).toBe(expected);
  });
});
