import { describe, expect, it } from 'vitest';
import { scheduleOneTimeBackfill } from '../../src/domain/one-time-backfill.js';
import { eachBackend } from '../helpers/store-backends.js';

const marker = { namespace: 'meta', key: 'backfill:test' } as const;
const backfill = {
  marker,
  sources: ['test:source-a', 'test:source-b'],
  job: { id: 'backfill:test', kind: 'backfill_test', payload: { page: 0 } },
  finished: { finished: true },
  started: { started: true },
};

describe.each(eachBackend())('scheduleOneTimeBackfill (%s)', (_name, open) => {
  it('marks a store with nothing to read finished, schedules no job, and is then already done', async () => {
    const store = await open();
    try {
      expect(await scheduleOneTimeBackfill(store, 1_000, backfill)).toBe('nothing');
      expect((await store.get(marker.namespace, marker.key))?.value).toEqual({ finished: true });
      expect(await store.work.get('backfill:test')).toBeUndefined();
      expect(await scheduleOneTimeBackfill(store, 2_000, backfill)).toBe('already');
    } finally {
      await store.close();
    }
  });

  it('of instances starting together on a store with work, exactly one schedules the job, with the started marker', async () => {
    const store = await open();
    try {
      await store.commit({ index: [{ index: 'test:source-b', member: 'r-1', score: 1 }] });
      const outcomes = await Promise.all([1, 2, 3].map(() => scheduleOneTimeBackfill(store, 5_000, backfill)));
      expect(outcomes.filter((o) => o === 'scheduled')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'already')).toHaveLength(2);
      expect((await store.get(marker.namespace, marker.key))?.value).toEqual({ started: true });
      expect(await store.work.get('backfill:test')).toMatchObject({ kind: 'backfill_test', dueAt: 5_000, payload: { page: 0 } });
      expect(await scheduleOneTimeBackfill(store, 9_000, backfill)).toBe('already');
      expect(await store.work.size()).toBe(1);
    } finally {
      await store.close();
    }
  });
});
