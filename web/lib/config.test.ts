import { describe, expect, it } from 'vitest';
import { parseWebConfig } from './config';

describe('parseWebConfig', () => {
  it('defaults to the API and port npm start uses', () => {
    expect(parseWebConfig({})).toEqual({
      apiUrl: 'http://localhost:4000/graphql',
      apiWsUrl: 'ws://localhost:4000/graphql',
      secureCookies: false,
      port: 3000,
    });
  });

  it('takes WEB_PORT before --port, and https for the public URL makes the cookie Secure', () => {
    const env = {
      LOCKSTEP_API_URL: 'https://api.example.com/graphql',
      LOCKSTEP_PUBLIC_URL: 'https://x.example',
    };
    expect(parseWebConfig({ ...env, WEB_PORT: '8081' }, ['node', 'server.ts', '--port', '9000'])).toEqual({
      apiUrl: 'https://api.example.com/graphql',
      apiWsUrl: 'wss://api.example.com/graphql',
      secureCookies: true,
      port: 8081,
    });
    expect(parseWebConfig({}, ['node', 'server.ts', '--port', '9000']).port).toBe(9000);
  });

  it('names the variable and what it expects when a value is bad', () => {
    expect(() => parseWebConfig({ LOCKSTEP_API_URL: 'localhost:4000' })).toThrow(
      'LOCKSTEP_API_URL must be an http(s) URL such as http://localhost:4000/graphql (got "localhost:4000")',
    );
    expect(() => parseWebConfig({ WEB_PORT: '0' })).toThrow('WEB_PORT must be a port number (1-65535)');
    expect(() => parseWebConfig({}, ['node', 'server.ts', '--port', 'x'])).toThrow('--port must be a port');
  });
});
