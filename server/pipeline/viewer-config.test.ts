import { describe, expect, it } from 'vitest';
import { configForViewer } from './viewer-config';

describe('configForViewer', () => {
  it('hides every text of an HTTP action but header values that only name secrets', () => {
    expect(
      configForViewer('HTTP', {
        url: 'https://deploy:hunter2@example.com/hook?token=abc',
        method: 'POST',
        headers: { authorization: 'Bearer ${{ secrets.API_TOKEN }}', 'x-api-key': 'sk_live_123' },
        body: '{"password":"hunter2"}',
        expectStatus: 201,
      }),
    ).toEqual({
      url: '***',
      method: '***',
      headers: { authorization: 'Bearer ${{ secrets.API_TOKEN }}', 'x-api-key': '***' },
      body: '***',
      expectStatus: 201,
    });
  });

  it("hides a command and its env values, keeps a deployment's id, numbers and booleans", () => {
    expect(configForViewer('COMMAND', { command: 'curl -u a:b x', env: { TOKEN: 'abc' } })).toEqual({
      command: '***',
      env: { TOKEN: '***' },
    });
    const deploymentId = '6f1c1a8e-8d8e-4c1e-9a57-1f0b0e6f4a11';
    expect(configForViewer('DEPLOYMENT', { deploymentId })).toEqual({ deploymentId });
    expect(configForViewer('APPROVAL', { requiredApprovals: 2, allowSelfApproval: false })).toEqual({
      requiredApprovals: 2,
      allowSelfApproval: false,
    });
  });
});
