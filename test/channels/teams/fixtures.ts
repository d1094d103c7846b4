import type { PermissionRequest } from '../../../src/domain/request.js';

const AT = Date.parse('2026-11-23T08:00:00Z');

/** A stored request as the engine would hand it over, with overrides. */
export function sampleRequest(overrides: Partial<PermissionRequest> = {}): PermissionRequest {
  return {
    id: 'req-1',
    version: 1,
    kind: 'grant',
    state: 'pending',
    requesterId: 'u-liam',
    granteeId: 'u-zoe',
    targetId: 'g-training',
    targetKind: 'group',
    rights: ['SendAs'],
    autoMapping: true,
    language: 'en',
    approverIds: ['u-emma'],
    warnings: [],
    createdAt: AT,
    updatedAt: AT,
    attempts: 0,
    ...overrides,
  };
}
