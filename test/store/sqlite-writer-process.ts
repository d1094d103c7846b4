// Child process for keyv-store.test.ts: eight concurrent writers create records on FILE without
// end, printing "saved <key>" once each create has resolved, until the parent kills the process.
//   node --import tsx test/store/sqlite-writer-process.ts FILE
import { createSqliteStore } from '../../src/store/keyv-store.js';

const store = createSqliteStore(process.argv[2]!);
let next = 0;
await Promise.all(
  Array.from({ length: 8 }, async () => {
    for (;;) {
      const key = `k${next++}`;
      await store.create('requests', key, { key, padding: 'x'.repeat(500) });
      process.stdout.write(`saved ${key}\n`);
    }
  }),
);
