// Child process for sqlite-work-queue.test.ts: a worker on FILE. Opens the store (so several
// children create a new file's schema at the same time), prints "ready", starts on a line on stdin.
// Then claims due jobs a few at a time until none is left to claim; for each job it commits the
// work's effect (a compare-and-set on a shared counter record, retried when another process won,
// and the job's id into the index `done`) and completes the job. Prints one JSON line:
// { claimed: ids, lost: completes that found the lease gone, retries }.
//   node --import tsx test/store/sqlite-claim-process.ts FILE OWNER NOW
import { once } from 'node:events';
import { createSqliteStore } from '../../src/store/keyv-store.js';

const [file, owner, now] = process.argv.slice(2);
const store = createSqliteStore(file!);
process.stdout.write('ready\n');
await once(process.stdin, 'data');
const claimed: string[] = [];
let lost = 0;
let retries = 0;
for (;;) {
  const jobs = await store.work.claim({ owner: owner!, now: Number(now), leaseMs: 3_600_000, limit: 3 });
  if (jobs.length === 0) break;
  for (const job of jobs) {
    claimed.push(job.id);
    for (;;) {
      const counter = await store.get<number>('counters', 'done');
      const ok = await store.commit({
        records: [{ namespace: 'counters', key: 'done', expect: counter!.version, value: counter!.value + 1 }],
        index: [{ index: 'done', member: job.id, score: job.seq }],
      });
      if (ok) break;
      retries++;
    }
    if (!(await store.work.complete(job, owner!))) lost++;
  }
}
await store.close();
process.stdout.write(`${JSON.stringify({ claimed, lost, retries })}\n`);
process.stdin.destroy();
