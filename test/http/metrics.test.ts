import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { launchTeamsBot } from '../../src/channels/teams/launch.js';
import { loadConfig } from '../../src/config.js';
import { understand } from '../../src/language/understand.js';
import { FakeConnector } from '../fakes/fake-connector.js';
import { message, post } from '../fakes/teams-activities.js';
import { people, teamsHarness, TENANT, type TeamsHarness } from '../channels/teams/harness.js';
import { labelValues, sampleValue } from '../helpers/prometheus-text.js';

const DIRECTORY = fileURLToPath(new URL('../fixtures/contoso-directory.json', import.meta.url));

let h: TeamsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function scrape(port: number): Promise<{ contentType: string | null; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(response.status).toBe(200);
  return { contentType: response.headers.get('content-type'), text: await response.text() };
}

describe('GET /metrics', () => {
  it('counts Teams turns by outcome and the permission-service calls they made, with no text or personal data in labels', async () => {
    h = await teamsHarness();
    const { alex, adele } = people;
    await h.install(alex);
    await h.install(adele);
    const sentence = 'give Megan Bowen (megan.bowen@contoso.example) send-as on Training';
    expect((await h.say(alex, sentence)).status).toBe(200);
    expect((await post(h.bot.port, '{"type": "message", ')).status).toBe(400);
    expect((await post(h.bot.port, message(alex, { ...h.ctx, tenantId: '00000000-0000-0000-0000-000000000bad' }, sentence))).status).toBe(403);

    const { contentType, text } = await scrape(h.bot.port);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const turns = (outcome: string) => sampleValue(text, 'mailbox_bot_turns_total', { channel: 'teams', outcome });
    expect(turns('ok')).toBe(3); // two installs and the request
    expect(turns('bad_request')).toBe(1);
    expect(turns('wrong_tenant')).toBe(1);
    // The request asked the permission service whether Megan already holds the right.
    expect(sampleValue(text, 'mailbox_bot_permission_service_call_duration_seconds_count', { operation: 'check', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(text, 'process_cpu_seconds_total')).toBeGreaterThan(0);

    for (const secret of ['Megan', 'megan.bowen', 'Training', 'Alex', alex.aad, adele.aad, TENANT, '0000-000000000bad']) expect(text).not.toContain(secret);
    for (const value of labelValues(text)) expect(value).toMatch(/^[a-zA-Z0-9_.+]*$/);
  });

  it('counts a turn the bot failed as an error, although botbuilder answered it', async () => {
    const connector = await new FakeConnector(TENANT).start();
    const dir = mkdtempSync(join(tmpdir(), 'metrics-'));
    const config = loadConfig({ STORE: `sqlite:${join(dir, 'bot.sqlite')}`, DIRECTORY: `file:${DIRECTORY}`, PORT: '0', LOG_LEVEL: 'silent' });
    const bot = await launchTeamsBot(config, understand, { logger: pino({ level: 'silent' }) });
    try {
      // The store goes away under the bot: the turn cannot read or write anything and throws.
      await bot.app.store.close();
      await post(bot.port, message(people.alex, { tenantId: TENANT, serviceUrl: connector.serviceUrl }, 'my requests'));
      const { text } = await scrape(bot.port);
      expect(sampleValue(text, 'mailbox_bot_turns_total', { channel: 'teams', outcome: 'error' })).toBe(1);
      expect(sampleValue(text, 'mailbox_bot_turns_total', { channel: 'teams', outcome: 'ok' })).toBeUndefined();
    } finally {
      await bot.server.close();
      await connector.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
