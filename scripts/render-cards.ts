// Renders the bot's Adaptive Cards to PNG in headless Chromium with the `adaptivecards` renderer,
// to look at them as a person would. Not part of the test suite.
//
//   apt-get install -y chromium      (Debian's build; playwright downloads nothing)
//   npm run render-cards             -> docs/approval-card.png and build/cards/*.png
//
// CHROMIUM=/path/to/chromium overrides the browser.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { loadDirectoryFile } from '../src/directory/file-directory.js';
import { SAMPLE_DIRECTORY_PATH } from '../src/config.js';
import { escapeText, type CardJson } from '../src/channels/teams/cards.js';
import { ExampleSource } from '../src/conversation/examples.js';
import type { PermissionRequest } from '../src/domain/request.js';
import { accessCard, approvalCard, choiceCard, helpCard, Names, summaryCard } from '../src/channels/teams/views.js';

const require = createRequire(import.meta.url);
const RENDERER = require.resolve('adaptivecards/dist/adaptivecards.min.js');
const ROOT = fileURLToPath(new URL('../', import.meta.url));

const at = Date.parse('2026-11-23T08:00:00Z');
const request: PermissionRequest = {
  id: 'REQ-7K2F9Q',
  version: 1,
  kind: 'grant',
  state: 'pending',
  requesterId: 'u-liam',
  granteeId: 'u-zoe',
  targetId: 'g-training',
  targetKind: 'group',
  rights: ['SendAs'],
  autoMapping: true,
  duration: 'P14D',
  reason: 'Covering the training newsletter while Emma is away',
  language: 'en',
  approverIds: ['u-emma'],
  warnings: [{ code: 'replacement', replaces: 'SendOnBehalf' }],
  createdAt: at,
  updatedAt: at,
  attempts: 0,
};

// A light Teams-like look for the renderer.
const HOST_CONFIG = {
  fontFamily: 'Segoe UI, Helvetica Neue, Arial, sans-serif',
  spacing: { small: 4, default: 10, medium: 16, large: 20, extraLarge: 24, padding: 16 },
  containerStyles: {
    default: { backgroundColor: '#FFFFFF', foregroundColors: { default: { default: '#242424', subtle: '#616161' }, accent: { default: '#5B5FC7' }, good: { default: '#237B4B' }, attention: { default: '#C4314B' }, warning: { default: '#835C00' } } },
    emphasis: { backgroundColor: '#F5F5F5', foregroundColors: { default: { default: '#242424', subtle: '#616161' } } },
    warning: { backgroundColor: '#FBF6D9', foregroundColors: { default: { default: '#4A3A00', subtle: '#835C00' } } },
  },
  actions: { actionsOrientation: 'horizontal', buttonSpacing: 8, maxActions: 6 },
  factSet: { title: { weight: 'Bolder', wrap: true, maxWidth: 150 }, value: { wrap: true }, spacing: 8 },
};

async function main(): Promise<void> {
  const directory = loadDirectoryFile(SAMPLE_DIRECTORY_PATH);
  const names = new Names(directory);
  const audience = { lang: 'en' as const, timeZone: 'Europe/Amsterdam' };
  const cards: Record<string, CardJson> = {
    'approval-card': await approvalCard(request, names, audience),
    'approval-card-nl': await approvalCard(request, names, { lang: 'nl', timeZone: 'Europe/Amsterdam' }),
    'approval-card-decided': await approvalCard({ ...request, state: 'approved', decision: { verdict: 'approved', by: 'u-emma', at: at + 3_600_000 } }, names, audience),
    'summary-card': await summaryCard(request, names, audience),
    'choice-card': choiceCard('en', 'Which person do you mean?', 'draft', 1, ['Jan Bakker (jan.bakker@northwind.example)', 'Jan de Vries (jan.devries@northwind.example)']),
    'access-card': await accessCard(
      { target: { id: 's-support', kind: 'shared', displayName: 'Support', mail: 'support@northwind.example' }, holders: { FullAccess: ['u-liam'], SendAs: ['u-priya'], SendOnBehalf: [] }, propagating: [] },
      names,
      audience,
    ),
    'help-card': helpCard('en', await new ExampleSource(directory, escapeText).namesFor('u-liam')),
  };

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 520, height: 900 }, deviceScaleFactor: 2 });
    await page.setContent('<html><body style="margin:0;background:#f0f0f0;font-family:Segoe UI,Arial,sans-serif"><div id="card" style="width:440px;margin:16px;background:#fff;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.2);overflow:hidden"></div></body></html>');
    await page.addScriptTag({ path: RENDERER });
    mkdirSync(`${ROOT}build/cards`, { recursive: true });
    mkdirSync(`${ROOT}docs`, { recursive: true });
    for (const [name, card] of Object.entries(cards)) {
      await page.evaluate(
        ({ card, hostConfig }) => {
          const AC = (window as unknown as { AdaptiveCards: any }).AdaptiveCards;
          const adaptive = new AC.AdaptiveCard();
          adaptive.hostConfig = new AC.HostConfig(hostConfig);
          adaptive.parse(card);
          const target = document.getElementById('card')!;
          target.innerHTML = '';
          target.appendChild(adaptive.render());
        },
        { card, hostConfig: HOST_CONFIG },
      );
      const png = await page.locator('#card').screenshot();
      writeFileSync(`${ROOT}build/cards/${name}.png`, png);
      if (name === 'approval-card') writeFileSync(`${ROOT}docs/approval-card.png`, png);
      console.log(`rendered ${name}`);
    }
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
