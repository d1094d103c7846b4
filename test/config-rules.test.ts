import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { isBotError } from '../src/domain/errors.js';

/** The `config_invalid` message loadConfig throws for `env`, or undefined when it accepts it. */
function refusal(env: Record<string, string>): string | undefined {
  try {
    loadConfig(env);
    return undefined;
  } catch (error) {
    expect(isBotError(error, 'config_invalid')).toBe(true);
    return (error as Error).message;
  }
}

const APP_ID = '11111111-2222-3333-4444-555555555555';
const TENANT = '7d3c1f0e-5b7a-4c1e-9a51-2f0d6e4b8a90';

describe('configuration rules', () => {
  it.each(['PROPAGATION_WINDOW', 'REQUEST_EXPIRY', 'APPROVER_REMINDER', 'EXCHANGE_REQUEST_TIMEOUT', 'SHUTDOWN_TIMEOUT'])(
    'refuses a zero or negative %s, naming it, on one line',
    (name) => {
      for (const value of ['0s', '0', '0m0s', '-5m', ' -1d']) {
        const message = refusal({ [name]: value });
        expect(message).toContain(name);
        expect(message).toMatch(/zero|negative|not a duration/);
        expect(message).not.toContain('\n');
      }
    },
  );

  it('refuses a duration longer than a year and a day, and a deadline longer than a day, on one line', () => {
    expect(refusal({ PROPAGATION_WINDOW: '99999999999d' })).toMatch(/PROPAGATION_WINDOW.*longer than the 366 days/);
    expect(refusal({ REQUEST_EXPIRY: '367d' })).toContain('REQUEST_EXPIRY');
    expect(refusal({ REQUEST_EXPIRY: '366d' })).toBeUndefined();
    for (const name of ['SHUTDOWN_TIMEOUT', 'WORK_LEASE', 'EXCHANGE_REQUEST_TIMEOUT']) {
      // Node fires a timer of over 24.8 days at once: a 30-day shutdown deadline would be 1 ms.
      const message = refusal({ [name]: '30d' });
      expect(message).toMatch(new RegExp(`${name}.*longer than the day`));
      expect(message).not.toContain('\n');
      expect(refusal({ [name]: '24h' })).toBeUndefined();
    }
  });

  it('reads an empty PORT as its default, as it reads an empty HOST', () => {
    expect(loadConfig({ PORT: '' }).PORT).toBe(3978);
    expect(loadConfig({ PORT: ' ', PERMISSION_SERVICE_PORT: '' }).PERMISSION_SERVICE_PORT).toBe(3980);
    expect(refusal({ PORT: 'abc' })).toContain('PORT');
  });

  it('accepts a zero simulated visibility delay (changes visible at once) but not a negative one', () => {
    expect(loadConfig({ SIMULATED_VISIBILITY_DELAY: '0s' }).SIMULATED_VISIBILITY_DELAY).toBe(0);
    expect(refusal({ SIMULATED_VISIBILITY_DELAY: '-1m' })).toContain('SIMULATED_VISIBILITY_DELAY');
  });

  it('refuses a reminder that would come after the request expired', () => {
    expect(refusal({ REQUEST_EXPIRY: '2d', APPROVER_REMINDER: '2d' })).toContain('APPROVER_REMINDER must be shorter than REQUEST_EXPIRY');
    expect(refusal({ REQUEST_EXPIRY: '12h' })).toContain('APPROVER_REMINDER'); // the default 24h reminder
    expect(loadConfig({ REQUEST_EXPIRY: '2d', APPROVER_REMINDER: '1d' }).APPROVER_REMINDER).toBe(86_400_000);
  });

  it('refuses slow checks that would stop before the propagation window ends', () => {
    expect(refusal({ PROPAGATION_WINDOW: '2h', LATE_CHECK_UNTIL: '2h' })).toContain('LATE_CHECK_UNTIL must be longer than PROPAGATION_WINDOW');
    expect(loadConfig({ LATE_CHECK_INTERVAL: '30m', LATE_CHECK_UNTIL: '12h' })).toMatchObject({ LATE_CHECK_INTERVAL: 1_800_000, LATE_CHECK_UNTIL: 12 * 3_600_000 });
  });

  it('refuses MicrosoftAppId without a password or certificate: the bot could not sign its replies', () => {
    expect(refusal({ MicrosoftAppId: APP_ID })).toMatch(/MicrosoftAppId is set without MicrosoftAppPassword or a certificate/);
    expect(refusal({ MicrosoftAppId: APP_ID, MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: TENANT })).toMatch(/without MicrosoftAppPassword/);
    expect(refusal({ MicrosoftAppId: APP_ID, CertificateThumbprint: 'AB12' })).toMatch(/needs both CertificateThumbprint and CertificatePrivateKey/);
  });

  it('refuses single-tenant and managed-identity bots without their tenant, and a secret beside a managed identity', () => {
    expect(refusal({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: 's', MicrosoftAppType: 'SingleTenant' })).toContain('SingleTenant needs MicrosoftAppTenantId');
    expect(refusal({ MicrosoftAppId: APP_ID, MicrosoftAppType: 'UserAssignedMSI' })).toContain('UserAssignedMSI needs MicrosoftAppTenantId');
    expect(refusal({ MicrosoftAppId: APP_ID, MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: TENANT, MicrosoftAppPassword: 's' })).toContain(
      'leave MicrosoftAppPassword and the certificate empty',
    );
  });

  it('refuses credentials without MicrosoftAppId (they would silently run without authentication)', () => {
    expect(refusal({ MicrosoftAppPassword: 'secret' })).toContain('MicrosoftAppPassword set without MicrosoftAppId');
  });

  it('refuses certificate credentials on a government or 21Vianet cloud (botbuilder signs them in worldwide only)', () => {
    const certificate = { MicrosoftAppId: APP_ID, MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: TENANT, CertificateThumbprint: 'AB12', CertificatePrivateKey: '-----BEGIN PRIVATE KEY-----' };
    expect(loadConfig(certificate).CertificateThumbprint).toBe('AB12');
    expect(refusal({ ...certificate, CLOUD: 'gcchigh' })).toMatch(/CertificateThumbprint.*CLOUD=gcchigh/);
  });

  it('accepts the working combinations', () => {
    const working: Record<string, string>[] = [
      {},
      { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'secret' },
      { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'secret', MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: TENANT, CLOUD: 'china' },
      { MicrosoftAppId: APP_ID, MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: TENANT, CLOUD: 'dod' },
    ];
    for (const env of working) {
      expect(refusal(env)).toBeUndefined();
    }
  });

  it('names every problem in one line', () => {
    const message = refusal({ PORT: 'eighty', PROPAGATION_WINDOW: '0s' })!;
    expect(message).toContain('PORT');
    expect(message).toContain('PROPAGATION_WINDOW');
    expect(message).not.toContain('\n');
  });
});
