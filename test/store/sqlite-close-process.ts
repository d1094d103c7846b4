// Child process for sqlite-checkpointer.test.ts: writes one record to FILE, closes the store as its
// last act (nothing else keeps the process alive), then prints "closed".
//   node --import tsx test/store/sqlite-close-process.ts FILE
import { createSqliteStore } from '../../src/store/keyv-store.js';

const store = createSqliteStore(process.argv[2]!);
await store.create('requests', 'r1', { state: 'pending' });
await store.close();
process.stdout.write('closed\n');
