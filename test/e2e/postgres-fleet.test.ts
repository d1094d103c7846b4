import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { loadDirectoryFile } from '../../src/directory/file-directory.js';
import { createExchangePermissionService } from '../../src/permissions/exchange.js';
import { startPermissionServiceServer } from '../../src/permissions/http-server.js';
import { cardOf, textOf } from '../channels/teams/harness.js';
import type { SentActivity } from '../fakes/fake-connector.js';
import { CLIENT_ID, CLIENT_SECRET, startCloudFakes, TENANT_ID, type CloudFakes } from '../fakes/microsoft-cloud.js';
import type { TeamsUser } from '../fakes/teams-activities.js';
import { FLEET_TENANT, writeFleetDirectory, type FleetDirectory, type FleetUser } from './fleet-directory.js';
import { eventually, Fleet } from './fleet.js';

// Real bot processes (src/main.ts) on one PostgreSQL schema, Exchange Online played by the loopback
// fake: what two or three replicas behind a load balancer do, with the calls Exchange receives counted.
const dir = mkdtempSync(join(tmpdir(), 'fleet-'));
let directory: FleetDirectory;
let cloud: CloudFakes;
let fleet: Fleet | undefined;

beforeAll(() => {
  directory = writeFleetDirectory(dir, 100);
});
// Exchange starts empty for every test: a right granted in one would be "already held" in the next.
beforeEach(async () => {
  cloud = await startCloudFakes({ directory: loadDirectoryFile(directory.path) });
});
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
  await cloud.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function exchangeEnv(): Record<string, string> {
  return {
    PERMISSION_SERVICE: 'exchange',
    AZURE_TENANT_ID: TENANT_ID,
    AZURE_CLIENT_ID: CLIENT_ID,
    AZURE_CLIENT_SECRET: CLIENT_SECRET,
    EXCHANGE_ORGANIZATION: 'fixture.onmicrosoft.com',
    EXCHANGE_BASE_URL: cloud.exchange.baseUrl,
    LOGIN_BASE_URL: cloud.token.baseUrl,
    GRAPH_BASE_URL: cloud.graph.baseUrl,
    PROPAGATION_WINDOW: '2s',
  };
}

const startFleet = async (instances: number) => {
  fleet = await Fleet.start({ instances, directory: directory.path, tenantId: FLEET_TENANT, env: exchangeEnv() });
  return fleet;
};

/** Full Access grants Exchange received for `trustee` (by mail or id) on Support. */
const grantsFor = (trustee: FleetUser) =>
  cloud.exchange.calls.filter((call) => call.cmdlet === 'Add-MailboxPermission' && [trustee.mail, trustee.aad].includes(String(call.parameters.User)));

/** The approval cards (with an approve action) the approver was sent, by request id. */
function approvalCards(f: Fleet, approver: TeamsUser): Map<string, SentActivity[]> {
  const cards = new Map<string, SentActivity[]>();
  for (const sent of f.inbox(approver)) {
    const approve = cardOf(sent)?.actions?.find((a: any) => a.verb === 'approve');
    if (!approve) continue;
    cards.set(approve.data.requestId, [...(cards.get(approve.data.requestId) ?? []), sent]);
  }
  return cards;
}

const postBacks = (f: Fleet, user: TeamsUser, marker: string) => f.inbox(user).filter((s) => textOf(s).includes(marker));

describe('several bot instances on one PostgreSQL database', () => {
  it('two instances, activities round-robin: 8 simultaneous approvals across them apply once', async () => {
    const f = await startFleet(2);
    const [requester] = directory.requesters;
    await f.install(requester!);
    await f.install(directory.approver);
    expect((await f.say(requester!, 'give me full access to support')).status).toBe(200);
    await eventually('the approval card', () => approvalCards(f, directory.approver).size === 1);
    const [[requestId, [card]]] = [...approvalCards(f, directory.approver)] as [[string, SentActivity[]]];

    const clicks = await Promise.all(Array.from({ length: 8 }, () => f.click(directory.approver, 'approve', { requestId }, card!)));
    expect(clicks.map((c) => c.status)).toEqual(Array(8).fill(200));
    expect(new Set(clicks.map((c) => c.instance))).toEqual(new Set([0, 1]));

    await eventually('in effect', () => postBacks(f, requester!, 'In effect:').length === 1);
    expect(grantsFor(requester!)).toHaveLength(1);
    expect(postBacks(f, requester!, 'Applied:')).toHaveLength(1);
    expect(f.connector.rejected).toEqual([]);
    expect(cloud.violations()).toEqual([]);
  }, 120_000);

  it('three instances: 100 requests flow with one approval card and one post-back each', async () => {
    const f = await startFleet(3);
    const { requesters, approver } = directory;
    const limit = pLimit(8);
    await Promise.all([...requesters, approver].map((user) => limit(() => f.install(user))));
    await Promise.all(requesters.map((user) => limit(() => f.say(user, 'give me full access to support'))));
    const withoutCard = () => {
      const asked = new Set([...approvalCards(f, approver).values()].map(([card]) => textOf(card)));
      return requesters.filter((user) => ![...asked].some((text) => text.includes(`${user.name} asks`))).map((user) => [user.name, f.inbox(user).map((s) => textOf(s).slice(0, 300))]);
    };
    await eventually('100 approval cards', () => approvalCards(f, approver).size === 100, 120_000, withoutCard);

    const cards = approvalCards(f, approver);
    expect([...cards.values()].every((copies) => copies.length === 1)).toBe(true);
    await Promise.all([...cards].map(([requestId, [card]]) => limit(() => f.click(approver, 'approve', { requestId }, card!))));

    await eventually('every requester told "in effect"', () => requesters.every((user) => postBacks(f, user, 'In effect:').length >= 1), 120_000, () =>
      requesters.filter((user) => postBacks(f, user, 'In effect:').length === 0).length,
    );
    for (const user of requesters) {
      expect(postBacks(f, user, 'Applied:')).toHaveLength(1);
      expect(postBacks(f, user, 'In effect:')).toHaveLength(1);
      expect(grantsFor(user)).toHaveLength(1);
    }
    expect(approvalCards(f, approver).size).toBe(100);
    expect(f.connector.rejected).toEqual([]);
  }, 300_000);

  it('three instances share one Exchange budget through the shared permission service: never more calls at once than its limit', async () => {
    // One permission service holds the tenant's Exchange slots (EXCHANGE_MAX_CONCURRENCY=2); every
    // instance calls it instead of Exchange. Exchange answers in 150 ms, so calls pile up.
    const token = 'fleet-permission-service-token';
    const serviceConfig = loadConfig({ ...exchangeEnv(), PERMISSION_SERVICE_TOKEN: token, PERMISSION_SERVICE_PORT: '0', EXCHANGE_MAX_CONCURRENCY: '2' });
    const service = await startPermissionServiceServer(serviceConfig, createExchangePermissionService(serviceConfig));
    try {
      cloud.exchange.primary.latencyMs = 150;
      fleet = await Fleet.start({
        instances: 3,
        directory: directory.path,
        tenantId: FLEET_TENANT,
        env: { PERMISSION_SERVICE: service.url, PERMISSION_SERVICE_TOKEN: token, PROPAGATION_WINDOW: '2s' },
      });
      const f = fleet;
      const requesters = directory.requesters.slice(0, 12);
      await Promise.all([...requesters, directory.approver].map((user) => f.install(user)));
      await Promise.all(requesters.map((user) => f.say(user, 'give me full access to support')));
      await eventually('12 approval cards', () => approvalCards(f, directory.approver).size === 12);
      // Every approval at once, spread over the three instances: 12 applies compete for the slots.
      await Promise.all([...approvalCards(f, directory.approver)].map(([requestId, [card]]) => f.click(directory.approver, 'approve', { requestId }, card!)));
      await eventually('every requester told "in effect"', () => requesters.every((user) => postBacks(f, user, 'In effect:').length === 1));
      for (const user of requesters) expect(grantsFor(user)).toHaveLength(1);
      expect(cloud.exchange.primary.maxInFlight).toBe(2);
      expect(cloud.exchange.regional.maxInFlight).toBe(0);
      expect(cloud.violations()).toEqual([]);
    } finally {
      await service.close();
    }
  }, 180_000);
});
