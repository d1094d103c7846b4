import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TeamsUser } from '../fakes/teams-activities.js';

export const FLEET_TENANT = '3f2b8c1e-6d4a-4e7b-9c2f-0c0de5000002';

/** A directory for load across instances: `count` requesters, one approver who owns the shared mailbox Support, one admin. */
export interface FleetUser extends TeamsUser {
  mail: string;
}

export interface FleetDirectory {
  path: string;
  requesters: FleetUser[];
  approver: TeamsUser;
  admin: TeamsUser;
  supportId: string;
}

const id = (kind: number, n: number) => `0a1e${String(kind).padStart(4, '0')}-aaaa-4bbb-8ccc-${String(n).padStart(12, '0')}`;

/** Writes the directory file (format: shared/spec/directory-format.md) into `dir`. */
export function writeFleetDirectory(dir: string, count: number): FleetDirectory {
  const requesters = Array.from({ length: count }, (_, i) => ({
    aad: id(1, i + 1),
    name: `Requester ${String(i + 1).padStart(3, '0')}`,
    locale: 'en-US',
    mail: `requester${i + 1}@fleet.example`,
  }));
  const approver = { aad: id(2, 1), name: 'Olivia Owner', locale: 'en-US' };
  const admin = { aad: id(3, 1), name: 'Adam Admin', locale: 'en-US' };
  const supportId = '5b0e0001-cccc-4ddd-8eee-000000000002';
  const user = (u: TeamsUser, mail: string) => ({ id: u.aad, displayName: u.name, mail, preferredLanguage: 'en-US' });
  const directory = {
    tenant: { id: FLEET_TENANT, domain: 'fleet.example' },
    users: [
      ...requesters.map((u) => user(u, u.mail)),
      user(approver, 'olivia@fleet.example'),
      user(admin, 'adam@fleet.example'),
    ],
    groups: [],
    sharedMailboxes: [{ id: supportId, displayName: 'Support', mail: 'support@fleet.example', owners: [approver.aad] }],
    admins: [admin.aad],
    permissions: [],
  };
  const path = join(dir, 'fleet-directory.json');
  writeFileSync(path, JSON.stringify(directory, null, 2));
  return { path, requesters, approver, admin, supportId };
}
