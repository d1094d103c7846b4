import { afterEach, describe, expect, it } from 'vitest';
import { isBotError } from '../../src/domain/errors.js';
import { createExchangePermissionService } from '../../src/permissions/exchange.js';
import { startCloudFakes, type CloudFakes } from '../fakes/microsoft-cloud.js';
import { contractFixture, permissionServiceContract } from './permission-service-contract.js';

permissionServiceContract('exchange (admin API over the Exchange fake)', async (fixture) => {
  const fakes = await startCloudFakes({ directory: fixture.directory });
  const service = createExchangePermissionService(fakes.config, fakes.deps);
  return {
    service,
    settle: async () => {},
    close: async () => {
      const violations = fakes.violations();
      await fakes.close();
      expect(violations).toEqual([]);
    },
  };
});

describe('Exchange permission service: protocol', () => {
  let fakes: CloudFakes;
  const fixture = contractFixture();
  const { targets, trustees } = fixture;
  const start = async (options: Parameters<typeof startCloudFakes>[0] = {}) => {
    fakes = await startCloudFakes({ directory: contractFixture().directory, ...options });
    return createExchangePermissionService(fakes.config, fakes.deps);
  };
  afterEach(async () => {
    const violations = fakes.violations();
    await fakes.close();
    expect(violations).toEqual([]);
  });

  it('sends the exact cmdlets and parameters for each right', async () => {
    const service = await start();
    await service.grant(targets.userMailbox, trustees.member, 'FullAccess', { autoMapping: false });
    await service.grant(targets.shared, trustees.member, 'SendAs');
    await service.grant(targets.shared, trustees.member, 'SendOnBehalf');
    await service.revoke(targets.shared, trustees.other, 'FullAccess');
    const writes = fakes.exchange.calls.filter((c) => !c.cmdlet.startsWith('Get-'));
    expect(writes).toEqual([
      { cmdlet: 'Add-MailboxPermission', parameters: { Identity: targets.userMailbox.mail, User: trustees.member.mail, AccessRights: ['FullAccess'], InheritanceType: 'All', AutoMapping: false } },
      { cmdlet: 'Add-RecipientPermission', parameters: { Identity: targets.shared.mail, Trustee: trustees.member.mail, AccessRights: ['SendAs'], Confirm: false } },
      { cmdlet: 'Set-Mailbox', parameters: { Identity: targets.shared.mail, GrantSendOnBehalfTo: { '@odata.type': '#Exchange.GenericHashTable', Add: [trustees.member.mail] } } },
      { cmdlet: 'Remove-MailboxPermission', parameters: { Identity: targets.shared.mail, User: trustees.other.mail, AccessRights: ['FullAccess'], InheritanceType: 'All', Confirm: false } },
    ]);
    expect(fakes.exchange.autoMappingOf(targets.userMailbox.id, trustees.member.mail)).toBe(false);
    // Every Get-RecipientPermission names an Identity (the fake refuses one without).
    expect(fakes.exchange.calls.filter((c) => c.cmdlet === 'Get-RecipientPermission').every((c) => c.parameters.Identity)).toBe(true);
  });

  it('uses an app-only token for the Exchange audience and the anchor mailbox header', async () => {
    await (await start()).check(targets.shared, trustees.other, 'FullAccess');
    const request = fakes.exchange.primary.requests[0]!;
    expect(request.headers['x-anchormailbox']).toBe(`APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@${fakes.config.AZURE_TENANT_ID}`);
    expect(fakes.token.scopeOf(request.headers.authorization)).toBe('https://outlook.office365.com/.default');
    // MSAL caches the token: one token request for many calls.
    expect(fakes.token.server.requests).toHaveLength(1);
  });

  it('authenticates with a certificate (signed client assertion) as well', async () => {
    const service = await start({ credential: 'certificate' });
    expect(await service.check(targets.shared, trustees.other, 'FullAccess')).toBe(true);
    expect(new URLSearchParams(fakes.token.server.requests[0]!.body).get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
  });

  it('changes Send on Behalf only through @{Add}/@{Remove}, keeping the other delegates', async () => {
    const service = await start();
    await service.grant(targets.group, trustees.member, 'SendOnBehalf');
    await service.revoke(targets.group, trustees.other, 'SendOnBehalf');
    expect(fakes.exchange.rightsOn(targets.group.id)).toEqual([`${trustees.member.id}:SendOnBehalf`]);
    const sets = fakes.exchange.calls.filter((c) => c.cmdlet === 'Set-UnifiedGroup');
    expect(sets.map((c) => c.parameters.GrantSendOnBehalfTo)).toEqual([
      { '@odata.type': '#Exchange.GenericHashTable', Add: [trustees.member.mail] },
      { '@odata.type': '#Exchange.GenericHashTable', Remove: [trustees.other.mail] },
    ]);
  });

  it('group rule: Send As replaces Send on Behalf in the same apply, adding before removing', async () => {
    const service = await start();
    const result = await service.grant(targets.group, trustees.other, 'SendAs');
    expect(result).toMatchObject({ changed: true, replaced: ['SendOnBehalf'] });
    expect(fakes.exchange.rightsOn(targets.group.id)).toEqual([`${trustees.other.id}:SendAs`]);
    const writes = fakes.exchange.calls.filter((c) => !c.cmdlet.startsWith('Get-')).map((c) => c.cmdlet);
    expect(writes).toEqual(['Add-RecipientPermission', 'Set-UnifiedGroup']);
  });

  it('leaves out inherited, deny and SELF entries and pages through every result', async () => {
    const service = await start();
    fakes.exchange.pageSize = 1;
    await service.grant(targets.shared, trustees.member, 'FullAccess');
    const delegates = await service.listDelegates(targets.shared, 'FullAccess');
    expect(delegates.map((d) => d.trusteeId).sort()).toEqual([trustees.member.id, trustees.other.id].sort());
    // 3 built-in entries + 2 delegates, one per page: the body was re-posted to each next link.
    const listing = fakes.exchange.primary.requests.filter((r) => JSON.parse(r.body).CmdletInput.CmdletName === 'Get-MailboxPermission' && !JSON.parse(r.body).CmdletInput.Parameters.User);
    expect(listing.length).toBe(5);
    expect(new Set(listing.map((r) => r.body)).size).toBe(1);
  });

  it('treats "already present" and "doesn\'t exist" answers as success without change', async () => {
    const service = await start();
    fakes.exchange.staleReads = true; // reads lag behind: the service must rely on Exchange's own answer
    fakes.exchange.setRight(targets.shared.id, trustees.member.id, 'SendAs', true);
    const added = await service.grant(targets.shared, trustees.member, 'SendAs');
    expect(added.changed).toBe(false);
    expect(added.warnings.join(' ')).toMatch(/already present/);
    const removed = await service.revoke(targets.userMailbox, trustees.member, 'FullAccess');
    expect(removed.changed).toBe(false);
    fakes.exchange.staleReads = false;
    expect((await service.revoke(targets.shared, trustees.nonMember, 'SendAs')).changed).toBe(false);
  });

  it('maps a refusal that retrying cannot fix to permission_service_rejected', async () => {
    const service = await start();
    const unknown = { id: 'c-nobody', kind: 'shared' as const, mail: 'nobody@fixture.example' };
    await expect(service.grant(unknown, trustees.member, 'FullAccess')).rejects.toSatisfy(
      (e) => isBotError(e, 'permission_service_rejected') && e.details.reason === 'not_found' && /couldn't be found/.test(e.message),
    );
  });

  it('retries 429 honouring Retry-After, then 503, 504 and 408 with growing backoff', async () => {
    const service = await start();
    fakes.exchange.faults.push({ status: 429, headers: { 'retry-after': '7' } }, { status: 503 }, { status: 504 }, { status: 408 });
    expect(await service.check(targets.shared, trustees.other, 'FullAccess')).toBe(true);
    // Retry-After 7 s, then equal-jitter backoff (random 0.5): 0.75 * 500 * 2^(n-1).
    expect(fakes.sleeps).toEqual([7000, 750, 1500, 3000]);
  });

  it('gives up after the bounded attempts with permission_service_unavailable and the Retry-After', async () => {
    const service = await start();
    for (let i = 0; i < 5; i++) fakes.exchange.faults.push({ status: 429, headers: { 'retry-after': '30' } });
    await expect(service.grant(targets.shared, trustees.member, 'SendAs')).rejects.toSatisfy(
      (e) => isBotError(e, 'permission_service_unavailable') && e.details.retryAfterMs === 30_000 && e.details.status === 429,
    );
    expect(fakes.sleeps).toEqual([30_000, 30_000, 30_000, 30_000]);
    expect(fakes.exchange.rightsOn(targets.shared.id)).not.toContain(`${trustees.member.id}:SendAs`);
  });

  it('does not wait out a Retry-After beyond its bound: fails at once and says when to come back', async () => {
    const service = await start();
    fakes.exchange.faults.push({ status: 429, headers: { 'retry-after': '3600' } });
    await expect(service.check(targets.shared, trustees.other, 'FullAccess')).rejects.toSatisfy(
      (e) => isBotError(e, 'permission_service_unavailable') && e.details.retryAfterMs === 3_600_000,
    );
    expect(fakes.sleeps).toEqual([]);
  });

  it('times out a slow answer and retries it', async () => {
    const service = await start({ env: { EXCHANGE_REQUEST_TIMEOUT: '250ms' } });
    fakes.exchange.faults.push({ status: 200, body: { value: [] }, delayMs: 2_000 });
    expect(await service.check(targets.shared, trustees.other, 'FullAccess')).toBe(true);
    expect(fakes.sleeps).toHaveLength(1);
  });

  it('reports a timeout that persists as unavailable with timeout: true', async () => {
    const service = await start({ env: { EXCHANGE_REQUEST_TIMEOUT: '50ms' } });
    for (let i = 0; i < 5; i++) fakes.exchange.faults.push({ status: 200, body: { value: [] }, delayMs: 500 });
    await expect(service.check(targets.shared, trustees.other, 'FullAccess')).rejects.toSatisfy(
      (e) => isBotError(e, 'permission_service_unavailable') && e.details.timeout === true,
    );
  });

  it('follows a regional redirect with the same body and token, and stays there', async () => {
    const service = await start();
    fakes.exchange.redirect = true;
    await service.grant(targets.shared, trustees.member, 'SendAs');
    expect(fakes.exchange.rightsOn(targets.shared.id)).toContain(`${trustees.member.id}:SendAs`);
    const primaryCalls = fakes.exchange.primary.requests.length;
    expect(fakes.exchange.regional.requests.length).toBeGreaterThan(0);
    await service.check(targets.shared, trustees.member, 'SendAs');
    expect(fakes.exchange.primary.requests.length).toBe(primaryCalls);
  });

  it('never sends more than EXCHANGE_MAX_CONCURRENCY calls at once', async () => {
    await start({ env: { EXCHANGE_MAX_CONCURRENCY: '2' } });
    let inFlight = 0;
    let peak = 0;
    const fetcher: typeof fetch = async (input, init) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      try {
        return await fetch(input, init);
      } finally {
        inFlight--;
      }
    };
    const limited = createExchangePermissionService(fakes.config, { ...fakes.deps, fetch: fetcher });
    const candidates = [targets.userMailbox, targets.shared, targets.group];
    await Promise.all([limited.listHoldings(trustees.other, candidates), limited.listHoldings(trustees.member, candidates)]);
    expect(peak).toBe(2);
  });

  it('refuses bad input before calling Exchange', async () => {
    const service = await start();
    const hostile = [
      { ...trustees.member, mail: 'x; Remove-Mailbox -Identity ceo' },
      { ...trustees.member, mail: 'a\u0000b@fixture.example' },
      { ...trustees.member, mail: `${'a'.repeat(100_000)}@fixture.example` },
    ];
    for (const trustee of hostile) {
      await expect(service.grant(targets.shared, trustee, 'SendAs')).rejects.toSatisfy((e) => isBotError(e, 'invalid_request'));
    }
    await expect(service.grant(targets.userMailbox, { id: targets.userMailbox.id, mail: targets.userMailbox.mail }, 'FullAccess')).rejects.toSatisfy((e) => isBotError(e, 'invalid_request'));
    await expect(service.grant(targets.shared, trustees.member, 'Owner' as never)).rejects.toSatisfy((e) => isBotError(e, 'invalid_request'));
    expect(fakes.exchange.calls).toEqual([]);
  });

  it("passes names with quotes and PowerShell syntax as plain JSON values", async () => {
    const service = await start();
    fakes.exchange.add({ id: 'c-odd', name: "o'brien; Remove-Mailbox", displayName: "Pat O'Brien; Remove-Mailbox x", mail: "pat.o'brien@fixture.example", type: 'UserMailbox' });
    const trustee = { id: 'c-odd', mail: "pat.o'brien@fixture.example" };
    expect((await service.grant(targets.shared, trustee, 'SendOnBehalf')).changed).toBe(true);
    expect(await service.check(targets.shared, trustee, 'SendOnBehalf')).toBe(true);
    const set = fakes.exchange.calls.find((c) => c.cmdlet === 'Set-Mailbox')!;
    expect(set.parameters.GrantSendOnBehalfTo).toEqual({ '@odata.type': '#Exchange.GenericHashTable', Add: ["pat.o'brien@fixture.example"] });
  });

  it('lists group members with Get-UnifiedGroupLinks -LinkType Members, across pages', async () => {
    const service = await start();
    fakes.exchange.pageSize = 1;
    expect((await service.groupMembers(targets.group)).sort()).toEqual(['c-guest', 'c-member', 'c-other', 'c-owner']);
    expect(fakes.exchange.calls).toEqual([{ cmdlet: 'Get-UnifiedGroupLinks', parameters: { Identity: targets.group.mail, LinkType: 'Members', ResultSize: 'Unlimited' } }]);
    await expect(service.groupMembers(targets.shared)).rejects.toSatisfy((e) => isBotError(e, 'invalid_request'));
  });

  it('does not hammer a failing token endpoint: MSAL holds off, the call ends unavailable', async () => {
    const service = await start();
    fakes.token.server.faults.push({ status: 503, body: { error: 'temporarily_unavailable', error_description: 'AADSTS90033: busy' } });
    await expect(service.check(targets.shared, trustees.other, 'FullAccess')).rejects.toSatisfy(
      (e) => isBotError(e, 'permission_service_unavailable') && /AADSTS90033/.test(e.message),
    );
    expect(fakes.token.server.requests).toHaveLength(1);
    expect(fakes.exchange.calls).toEqual([]);
  });

  it('refuses a wrong client secret as a rejection, not a transient fault', async () => {
    fakes = await startCloudFakes({ directory: contractFixture().directory, env: { AZURE_CLIENT_SECRET: 'wrong' } });
    const service = createExchangePermissionService(fakes.config, fakes.deps);
    await expect(service.check(targets.shared, trustees.other, 'FullAccess')).rejects.toSatisfy((e) => isBotError(e, 'permission_service_rejected'));
  });
});
