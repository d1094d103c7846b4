import { describe, expect, it } from 'vitest';
import { isBotError } from '../../src/domain/errors.js';
import { backoffDelay, DEFAULT_RETRY_POLICY, parseRetryAfter, RetryingHttp } from '../../src/permissions/http-retry.js';

describe('retrying HTTP', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-23T08:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 08:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('backs off exponentially with jitter, within the bound', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, () => 1))).toEqual([100, 200, 400, 800, 1000]);
  });

  it('refuses a redirect to an untrusted host without sending it the token', async () => {
    const seen: string[] = [];
    const http = new RetryingHttp({
      fetch: async (input) => {
        seen.push(String(input));
        return new Response(null, { status: 302, headers: { location: 'https://evil.example/steal' } });
      },
      sleep: async () => {},
    });
    await expect(
      http.send({ method: 'POST', url: 'https://outlook.office365.com/a', body: '{}', headers: async () => ({ Authorization: 'Bearer t' }), unavailableCode: 'permission_service_unavailable', allowRedirect: (u) => u.hostname === 'outlook.office365.com', describe: 'test' }),
    ).rejects.toSatisfy((e) => isBotError(e, 'permission_service_rejected') && /not trusted/.test(e.message));
    expect(seen).toEqual(['https://outlook.office365.com/a']);
  });

  it('retries a dropped connection and then succeeds', async () => {
    let calls = 0;
    const http = new RetryingHttp({
      fetch: async () => {
        if (++calls === 1) throw new TypeError('fetch failed', { cause: new Error('ECONNRESET') });
        return new Response('{"value":[]}', { status: 200 });
      },
      sleep: async () => {},
    });
    const answer = await http.send({ method: 'GET', url: 'https://graph.microsoft.com/v1.0/users', headers: async () => ({}), unavailableCode: 'directory_unavailable', allowRedirect: () => false, describe: 'test' });
    expect(answer.status).toBe(200);
    expect(calls).toBe(2);
  });
});
