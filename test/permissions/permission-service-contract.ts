import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileDirectory, parseDirectoryFile } from '../../src/directory/file-directory.js';
import { isBotError } from '../../src/domain/errors.js';
import type { PermissionService, PermissionTarget, PermissionTrustee } from '../../src/permissions/permission-service.js';

export interface ContractFixture {
  directory: FileDirectory;
  targets: { userMailbox: PermissionTarget; shared: PermissionTarget; group: PermissionTarget };
  trustees: { member: PermissionTrustee; nonMember: PermissionTrustee; guest: PermissionTrustee; other: PermissionTrustee };
}

export interface PermissionServiceHarness {
  service: PermissionService;
  /** Makes every accepted change visible to check/listDelegates (propagation over). */
  settle(): Promise<void>;
  close?(): Promise<void>;
}

const FIXTURE_PATH = fileURLToPath(new URL('../fixtures/contract-directory.json', import.meta.url));

/** A fresh fixture: `other` holds SendOnBehalf on the group and FullAccess on the shared mailbox. */
export function contractFixture(): ContractFixture {
  const directory = new FileDirectory(parseDirectoryFile(JSON.parse(readFileSync(FIXTURE_PATH, 'utf8')), FIXTURE_PATH));
  const person = (id: string, mail: string): PermissionTrustee => ({ id, mail });
  return {
    directory,
    targets: {
      userMailbox: { id: 'c-owner', kind: 'user', mail: 'olga.owner@fixture.example' },
      shared: { id: 'c-shared', kind: 'shared', mail: 'desk@fixture.example' },
      group: { id: 'c-group', kind: 'group', mail: 'fixture.team@fixture.example' },
    },
    trustees: {
      member: person('c-member', 'mona.member@fixture.example'),
      nonMember: person('c-outsider', 'otto.oneill@fixture.example'),
      guest: person('c-guest', 'gina_partner.example#EXT#@fixture.example'),
      other: person('c-other', 'omer.other@fixture.example'),
    },
  };
}

/**
 * The behaviour every PermissionService shows (simulated, Exchange over its fake, the HTTP client).
 * Semantics are those documented on the interface.
 */
export function permissionServiceContract(
  name: string,
  create: (fixture: ContractFixture) => Promise<PermissionServiceHarness>,
): void {
  describe(`PermissionService contract: ${name}`, () => {
    let fixture: ContractFixture;
    let harness: PermissionServiceHarness;
    let service: PermissionService;

    beforeEach(async () => {
      fixture = contractFixture();
      harness = await create(fixture);
      service = harness.service;
    });
    afterEach(async () => {
      await harness.close?.();
    });

    it('starts from the rights already in place', async () => {
      const { targets, trustees } = fixture;
      expect(await service.check(targets.group, trustees.other, 'SendOnBehalf')).toBe(true);
      expect(await service.check(targets.shared, trustees.other, 'FullAccess')).toBe(true);
      expect(await service.check(targets.shared, trustees.member, 'FullAccess')).toBe(false);
    });

    it('grants Full Access on a user mailbox and shows it once propagated', async () => {
      const { targets, trustees } = fixture;
      const result = await service.grant(targets.userMailbox, trustees.member, 'FullAccess');
      expect(result).toMatchObject({ changed: true, replaced: [] });
      await harness.settle();
      expect(await service.check(targets.userMailbox, trustees.member, 'FullAccess')).toBe(true);
      const delegates = await service.listDelegates(targets.userMailbox, 'FullAccess');
      expect(delegates).toContainEqual({ targetId: targets.userMailbox.id, trusteeId: trustees.member.id, right: 'FullAccess' });
    });

    it('grants Send As and Full Access on a shared mailbox independently', async () => {
      const { targets, trustees } = fixture;
      await service.grant(targets.shared, trustees.member, 'SendAs');
      await service.grant(targets.shared, trustees.member, 'FullAccess');
      await harness.settle();
      expect(await service.check(targets.shared, trustees.member, 'SendAs')).toBe(true);
      expect(await service.check(targets.shared, trustees.member, 'FullAccess')).toBe(true);
    });

    it('grants Send on Behalf on a shared mailbox without touching the other holders', async () => {
      const { targets, trustees } = fixture;
      await service.grant(targets.shared, trustees.member, 'SendOnBehalf');
      await service.grant(targets.shared, trustees.nonMember, 'SendOnBehalf');
      await harness.settle();
      const holders = (await service.listDelegates(targets.shared, 'SendOnBehalf')).map((d) => d.trusteeId).sort();
      expect(holders).toEqual([trustees.member.id, trustees.nonMember.id].sort());
    });

    it('is idempotent: granting a present right and revoking an absent one succeed without change', async () => {
      const { targets, trustees } = fixture;
      expect((await service.grant(targets.shared, trustees.other, 'FullAccess')).changed).toBe(false);
      expect((await service.revoke(targets.shared, trustees.member, 'SendAs')).changed).toBe(false);
      await harness.settle();
      expect(await service.check(targets.shared, trustees.other, 'FullAccess')).toBe(true);
      expect(await service.check(targets.shared, trustees.member, 'SendAs')).toBe(false);
    });

    it('revokes a right', async () => {
      const { targets, trustees } = fixture;
      expect((await service.revoke(targets.shared, trustees.other, 'FullAccess')).changed).toBe(true);
      await harness.settle();
      expect(await service.check(targets.shared, trustees.other, 'FullAccess')).toBe(false);
      expect(await service.listDelegates(targets.shared, 'FullAccess')).not.toContainEqual(
        expect.objectContaining({ trusteeId: trustees.other.id }),
      );
    });

    it('on a group, Send As replaces Send on Behalf (Send As wins)', async () => {
      const { targets, trustees } = fixture;
      const result = await service.grant(targets.group, trustees.other, 'SendAs');
      expect(result.changed).toBe(true);
      expect(result.replaced).toEqual(['SendOnBehalf']);
      await harness.settle();
      expect(await service.check(targets.group, trustees.other, 'SendAs')).toBe(true);
      expect(await service.check(targets.group, trustees.other, 'SendOnBehalf')).toBe(false);
    });

    it('on a group, Send on Behalf replaces Send As', async () => {
      const { targets, trustees } = fixture;
      await service.grant(targets.group, trustees.member, 'SendAs');
      await harness.settle();
      const result = await service.grant(targets.group, trustees.member, 'SendOnBehalf');
      expect(result.replaced).toEqual(['SendAs']);
      await harness.settle();
      const rights = (await service.listDelegates(targets.group))
        .filter((d) => d.trusteeId === trustees.member.id)
        .map((d) => d.right);
      expect(rights).toEqual(['SendOnBehalf']);
    });

    it('refuses Full Access on a group', async () => {
      const { targets, trustees } = fixture;
      await expect(service.grant(targets.group, trustees.member, 'FullAccess')).rejects.toSatisfy((e) => isBotError(e, 'invalid_request'));
    });

    it('refuses group rights for guests and changes nothing', async () => {
      const { targets, trustees } = fixture;
      await expect(service.grant(targets.group, trustees.guest, 'SendAs')).rejects.toSatisfy((e) => isBotError(e, 'invalid_request'));
      await harness.settle();
      expect(await service.check(targets.group, trustees.guest, 'SendAs')).toBe(false);
    });

    it('lists what a trustee holds across candidate targets', async () => {
      const { targets, trustees } = fixture;
      const holdings = await service.listHoldings(trustees.other, [targets.userMailbox, targets.shared, targets.group]);
      expect(holdings.map((h) => `${h.targetId}/${h.right}`).sort()).toEqual(['c-group/SendOnBehalf', 'c-shared/FullAccess']);
    });

    it('passes hostile names through as data', async () => {
      const { targets } = fixture;
      // Otto O'Neill: an apostrophe in the address must not break anything downstream.
      const result = await service.grant(targets.shared, fixture.trustees.nonMember, 'SendAs');
      expect(result.changed).toBe(true);
      await harness.settle();
      expect(await service.check(targets.shared, fixture.trustees.nonMember, 'SendAs')).toBe(true);
    });
  });
}
