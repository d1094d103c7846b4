import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { isBotError } from '../../src/domain/errors.js';
import { FileDirectory } from '../../src/directory/file-directory.js';
import { createGraphDirectory, searchTerms } from '../../src/directory/graph-directory.js';
import { startCloudFakes, type CloudFakes } from '../fakes/microsoft-cloud.js';
import { directoryContract, directoryContractFile } from './directory-contract.js';

/** Graph and Exchange fakes describing the contract tenant; shared mailbox owners hold Full Access. */
async function graphTenant(file = directoryContractFile(), clock = new ManualClock()) {
  const fileDirectory = new FileDirectory(file);
  const fakes = await startCloudFakes({ directory: fileDirectory, env: { EXCHANGE_ORGANIZATION: file.tenant.domain } });
  for (const s of file.sharedMailboxes) for (const owner of s.owners) fakes.exchange.setRight(s.id, owner, 'FullAccess', true);
  const directory = createGraphDirectory(fakes.config, { ...fakes.deps, clock });
  return { fakes, directory, clock };
}

directoryContract('graph (Microsoft Graph and Exchange fakes)', async (file) => {
  const { fakes, directory } = await graphTenant(file);
  return {
    directory,
    close: async () => {
      const violations = fakes.violations();
      await fakes.close();
      expect(violations).toEqual([]);
    },
  };
});

describe('Graph directory: protocol', () => {
  let fakes: CloudFakes;
  afterEach(async () => {
    const violations = fakes.violations();
    await fakes.close();
    expect(violations).toEqual([]);
  });

  it('searches with $search and ConsistencyLevel: eventual, tokens for the Graph audience', async () => {
    const tenant = await graphTenant();
    fakes = tenant.fakes;
    await tenant.directory.findUsers('Megan');
    const search = fakes.graph.requests.find((r) => r.url.searchParams.has('$search'))!;
    expect(search.path).toBe('/v1.0/users');
    expect(search.headers.consistencylevel).toBe('eventual');
    expect(search.url.searchParams.get('$search')).toContain('"displayName:Megan"');
    expect(fakes.token.scopeOf(search.headers.authorization)).toBe('https://graph.microsoft.com/.default');
  });

  it('escapes quotes in $filter as OData literals, never letting them end the string', async () => {
    const tenant = await graphTenant();
    fakes = tenant.fakes;
    expect(await tenant.directory.findUserByMail("pat.o'brien@contract.example")).toBeUndefined();
    const filter = fakes.graph.requests.find((r) => r.url.searchParams.has('$filter'))!.url.searchParams.get('$filter');
    expect(filter).toBe("mail eq 'pat.o''brien@contract.example' or userPrincipalName eq 'pat.o''brien@contract.example'");
  });

  it('pages through group members', async () => {
    const tenant = await graphTenant();
    fakes = tenant.fakes;
    fakes.graph.pageSize = 1;
    expect([...(await tenant.directory.membersOf('d-training'))].sort()).toEqual(['d-guest', 'd-megan', 'd-miriam', 'd-zoe']);
    expect(fakes.graph.requests.filter((r) => r.path === '/v1.0/groups/d-training/members/microsoft.graph.user')).toHaveLength(4);
  });

  it('caches answers for a short while, then asks again', async () => {
    const tenant = await graphTenant();
    fakes = tenant.fakes;
    await tenant.directory.getUser('d-megan');
    const count = fakes.graph.requests.length;
    await tenant.directory.getUser('d-megan');
    expect(fakes.graph.requests.length).toBe(count);
    tenant.clock.advance(5 * 60_000);
    await tenant.directory.getUser('d-megan');
    expect(fakes.graph.requests.length).toBeGreaterThan(count);
  });

  it('retries Graph throttling and then reports directory_unavailable', async () => {
    const tenant = await graphTenant();
    fakes = tenant.fakes;
    await tenant.directory.listTargets().catch(() => undefined); // warm the shared-mailbox list
    fakes.graph.faults.push({ status: 429, headers: { 'retry-after': '2' } });
    expect((await tenant.directory.getUser('d-megan'))?.id).toBe('d-megan');
    expect(fakes.sleeps).toContain(2000);
    for (let i = 0; i < 5; i++) fakes.graph.faults.push({ status: 503 });
    await expect(tenant.directory.getUser('d-zoe')).rejects.toSatisfy((e) => isBotError(e, 'directory_unavailable'));
  });

  it('reports a refused token as directory_unavailable with a hint about permissions', async () => {
    const tenant = await graphTenant();
    fakes = tenant.fakes;
    await tenant.directory.listTargets();
    fakes.graph.faults.push({ status: 403, body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } } });
    await expect(tenant.directory.getUser('d-janet')).rejects.toSatisfy((e) => isBotError(e, 'directory_unavailable') && /User\.Read\.All/.test(e.message));
  });

  it('does not list a security group as a target', async () => {
    const tenant = await graphTenant();
    fakes = tenant.fakes;
    expect(await tenant.directory.getTarget('sec-1')).toBeUndefined();
    expect(await tenant.directory.findTargets('Fixture Team Admins')).toEqual([]);
  });

  it('search terms: the text, its folded form, and for one word the word without its first letters', () => {
    expect(searchTerms('obrien', 'obrien')).toEqual(['obrien', 'brien', 'rien']);
    expect(searchTerms('Zoë', 'zoe')).toEqual(['Zoë', 'zoe']);
    expect(searchTerms('"x" OR \\"mail:a', 'x or mail a')).toEqual(['x OR mail:a', 'x or mail a']);
  });
});
