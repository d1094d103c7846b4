// Child process for keyv-store.test.ts: adds 1 to a counter record N times with get + compareAndSet,
// retrying when another process changed it in between. Prints "ready", starts on a line on stdin,
// so that several processes run at the same time, and prints the number of retries at the end.
//   node --import tsx test/store/sqlite-counter-process.ts FILE N
import { once } from 'node:events';
import { createSqliteStore } from '../../src/store/keyv-store.js';

const [file, times] = process.argv.slice(2);
const store = createSqliteStore(file!);
await store.get('counters', 'shared');
process.stdout.write('ready\n');
await once(process.stdin, 'data');
let retries = 0;
for (let i = 0; i < Number(times); i++) {
  for (;;) {
    const current = await store.get<{ n: number }>('counters', 'shared');
    if (await store.compareAndSet('counters', 'shared', current!.version, { n: current!.value.n + 1 })) break;
    retries++;
  }
}
await store.close();
process.stdout.write(`${retries}\n`);
process.stdin.destroy();
