import Keyv from 'keyv';
import sortedBtree from 'sorted-btree';
import { compareText, DEFAULT_PAGE, type DurableStore, type IndexEntry, type JobSpec, type RangePage, type WriteBatch } from './durable-store.js';
import { deserialize, serialize } from './fast-serializer.js';
import { envelopeText, KeyvVersionedStore, type Envelope } from './keyv-store.js';
import { MAX_ERROR_TEXT, type ClaimOptions, type Job, type ReleaseDeadLeasesOptions, type WorkQueue } from './work-queue.js';

/**
 * In-process memory: records through keyv on a `Map` (kept as serialized text, as a file would:
 * every read is a fresh copy, and values that would not survive SQLite or Redis do not survive
 * here either), sorted indexes and the job queue in B+ trees (sorted-btree).
 *
 * JavaScript runs one callback at a time, so a check and the write after it without an `await`
 * between them is atomic: `commit` is one synchronous step. Only this process sees the data.
 */
export function createMemoryStore(): DurableStore {
  return new MemoryStore();
}

// sorted-btree is CommonJS with its class on `exports.default`: Node's ESM import gives the exports
// object, bundlers that honour `__esModule` (vitest) give the class itself.
const BTree = (typeof sortedBtree === 'function' ? sortedBtree : sortedBtree.default) as typeof sortedBtree.default;
type BTree<K, V> = import('sorted-btree').default<K, V>;

type ReadyKey = [readyAt: number, seq: number];
const byReady = (a: ReadyKey, b: ReadyKey) => a[0] - b[0] || a[1] - b[1];
type IndexKey = [score: number, member: string];
const byScore = (a: IndexKey, b: IndexKey) => a[0] - b[0] || compareText(a[1], b[1]);

/** A job as kept here: `readyAt` null while it waits behind an earlier job of its order. */
interface StoredJob extends Job {
  readyAt: number | null;
}

class MemoryStore extends KeyvVersionedStore implements DurableStore {
  private readonly maps: Map<string, Map<string, string>>;
  private readonly indexes = new Map<string, { scores: Map<string, number>; tree: BTree<IndexKey, true> }>();
  readonly work: MemoryWorkQueue;

  constructor() {
    const maps = new Map<string, Map<string, string>>();
    const versionOf = (keyv: Keyv, fullKey: string) => readVersion(mapOf(keyv), fullKey);
    super(
      (namespace) => {
        const map = new Map<string, string>();
        maps.set(namespace, map);
        return new Keyv({ store: map, namespace, serialize, deserialize, throwOnErrors: true });
      },
      {
        async insertIfAbsent(keyv, fullKey, envelope) {
          if (mapOf(keyv).has(fullKey)) return false;
          mapOf(keyv).set(fullKey, envelopeText(envelope));
          return true;
        },
        async replaceIfVersion(keyv, fullKey, expected, envelope) {
          if (versionOf(keyv, fullKey) !== expected) return false;
          mapOf(keyv).set(fullKey, envelopeText(envelope));
          return true;
        },
        async deleteIfVersion(keyv, fullKey, expected) {
          if (versionOf(keyv, fullKey) !== expected) return false;
          return mapOf(keyv).delete(fullKey);
        },
      },
    );
    this.maps = maps;
    this.work = new MemoryWorkQueue();
  }

  /** The map behind a namespace (opening its keyv when the namespace is new). */
  private mapFor(namespace: string): Map<string, string> {
    // Opening the namespace's keyv registers its map.
    return this.maps.get(namespace) ?? (this.keyv(namespace), this.maps.get(namespace)!);
  }

  async commit(batch: WriteBatch): Promise<boolean> {
    const records = batch.records ?? [];
    for (const write of records) {
      const version = readVersion(this.mapFor(write.namespace), `${write.namespace}:${write.key}`);
      if (write.expect === 'absent' ? version !== undefined : write.expect !== 'any' && version !== write.expect) return false;
    }
    for (const write of records) {
      const map = this.mapFor(write.namespace);
      const fullKey = `${write.namespace}:${write.key}`;
      if (write.value === undefined) {
        map.delete(fullKey);
        continue;
      }
      const version = write.expect === 'absent' ? 1 : write.expect === 'any' ? (readVersion(map, fullKey) ?? 0) + 1 : write.expect + 1;
      map.set(fullKey, envelopeText({ v: version, d: write.value }));
    }
    for (const change of batch.index ?? []) {
      if ('remove' in change) this.unindex(change.index, change.member);
      else this.indexOne(change.index, change.member, change.score);
    }
    for (const id of batch.cancel ?? []) this.work.cancel(id);
    for (const spec of batch.schedule ?? []) this.work.schedule(spec);
    return true;
  }

  private indexOne(name: string, member: string, score: number): void {
    let index = this.indexes.get(name);
    if (!index) {
      index = { scores: new Map(), tree: new BTree<IndexKey, true>(undefined, byScore) };
      this.indexes.set(name, index);
    }
    const old = index.scores.get(member);
    if (old !== undefined) index.tree.delete([old, member]);
    index.scores.set(member, score);
    index.tree.set([score, member], true);
  }

  private unindex(name: string, member: string): void {
    const index = this.indexes.get(name);
    const old = index?.scores.get(member);
    if (!index || old === undefined) return;
    index.scores.delete(member);
    index.tree.delete([old, member]);
  }

  async range(name: string, page: RangePage = {}): Promise<IndexEntry[]> {
    const index = this.indexes.get(name);
    if (!index) return [];
    const limit = page.limit ?? DEFAULT_PAGE;
    const cursor: IndexKey | undefined = page.after ? [page.after.score, page.after.member] : undefined;
    const out: IndexEntry[] = [];
    const entries = page.order === 'asc' ? index.tree.entries(cursor) : index.tree.entriesReversed(cursor);
    for (const [[score, member]] of entries) {
      if (cursor && score === cursor[0] && member === cursor[1]) continue;
      if (out.length >= limit) break;
      out.push({ score, member });
    }
    return out;
  }

  async count(name: string): Promise<number> {
    return this.indexes.get(name)?.scores.size ?? 0;
  }
}

function mapOf(keyv: Keyv): Map<string, string> {
  return keyv.opts.store as Map<string, string>;
}

function readVersion(map: Map<string, string>, fullKey: string): number | undefined {
  const text = map.get(fullKey);
  return text === undefined ? undefined : deserialize<{ value: Envelope<unknown> }>(text).value.v;
}

/** The job queue in memory: a B+ tree on (readyAt, seq) for the ready jobs, one per order key for its chain. */
class MemoryWorkQueue implements WorkQueue {
  private readonly jobs = new Map<string, StoredJob>();
  private readonly ready = new BTree<ReadyKey, string>(undefined, byReady);
  private readonly orders = new Map<string, BTree<number, string>>();
  private nextSeq = 0;

  schedule(spec: JobSpec): void {
    // Payloads round-trip through JSON, as they do in every other backend.
    const payload = spec.payload === undefined ? null : JSON.parse(JSON.stringify(spec.payload));
    const existing = this.jobs.get(spec.id);
    if (existing) {
      existing.dueAt = spec.dueAt;
      existing.payload = payload;
      existing.generation += 1;
      existing.attempts = 0;
      delete existing.lastError;
      if (!existing.lease && existing.readyAt !== null) this.setReady(existing, spec.dueAt);
      return;
    }
    const job: StoredJob = { id: spec.id, kind: spec.kind, dueAt: spec.dueAt, payload, seq: ++this.nextSeq, generation: 1, attempts: 0, readyAt: null };
    if (spec.orderKey) job.orderKey = spec.orderKey;
    this.jobs.set(job.id, job);
    const chain = spec.orderKey ? this.chain(spec.orderKey) : undefined;
    chain?.set(job.seq, job.id);
    if (!chain || chain.minKey() === job.seq) this.setReady(job, job.dueAt);
  }

  cancel(id: string): void {
    const job = this.jobs.get(id);
    if (job) this.remove(job);
  }

  private chain(orderKey: string): BTree<number, string> {
    let chain = this.orders.get(orderKey);
    if (!chain) {
      chain = new BTree<number, string>();
      this.orders.set(orderKey, chain);
    }
    return chain;
  }

  private setReady(job: StoredJob, readyAt: number | null): void {
    if (job.readyAt !== null) this.ready.delete([job.readyAt, job.seq]);
    job.readyAt = readyAt;
    if (readyAt !== null) this.ready.set([readyAt, job.seq], job.id);
  }

  /** Deletes a job; the next one of its order becomes scheduled. */
  private remove(job: StoredJob): void {
    this.setReady(job, null);
    this.jobs.delete(job.id);
    if (!job.orderKey) return;
    const chain = this.orders.get(job.orderKey)!;
    chain.delete(job.seq);
    const head = chain.minKey();
    if (head === undefined) {
      this.orders.delete(job.orderKey);
      return;
    }
    const next = this.jobs.get(chain.get(head)!)!;
    if (next.readyAt === null && !next.lease) this.setReady(next, next.dueAt);
  }

  async claim({ owner, now, leaseMs, limit }: ClaimOptions): Promise<Job[]> {
    const due: StoredJob[] = [];
    for (const [[readyAt], id] of this.ready.entries()) {
      if (readyAt > now || due.length >= limit) break;
      due.push(this.jobs.get(id)!);
    }
    return due.map((job) => {
      job.lease = { owner, until: now + leaseMs };
      this.setReady(job, job.lease.until);
      return publicJob(job);
    });
  }

  private held(job: Job, owner: string): StoredJob | undefined {
    const current = this.jobs.get(job.id);
    return current?.lease?.owner === owner ? current : undefined;
  }

  async renew(owner: string, ids: readonly string[], until: number): Promise<string[]> {
    const kept: string[] = [];
    for (const id of ids) {
      const job = this.jobs.get(id);
      if (job?.lease?.owner !== owner) continue;
      job.lease.until = until;
      this.setReady(job, until);
      kept.push(id);
    }
    return kept;
  }

  async complete(job: Job, owner: string): Promise<boolean> {
    const current = this.held(job, owner);
    if (!current) return false;
    if (current.generation === job.generation) this.remove(current);
    else this.endLease(current);
    return true;
  }

  async retry(job: Job, owner: string, dueAt: number, lastError?: string): Promise<boolean> {
    const current = this.held(job, owner);
    if (!current) return false;
    if (current.generation === job.generation) {
      current.attempts += 1;
      current.dueAt = dueAt;
      if (lastError !== undefined) current.lastError = lastError.slice(0, MAX_ERROR_TEXT);
    }
    this.endLease(current);
    return true;
  }

  async release(job: Job, owner: string): Promise<boolean> {
    const current = this.held(job, owner);
    if (!current) return false;
    this.endLease(current);
    return true;
  }

  async releaseDeadLeases({ now, withinMs, isDead }: ReleaseDeadLeasesOptions): Promise<string[]> {
    const verdicts = new Map<string, boolean>();
    const dead: StoredJob[] = [];
    // Leased jobs are ready at their lease end: the ones ending in (now, now + withinMs].
    for (const [[readyAt], id] of this.ready.entries([now, Number.MAX_SAFE_INTEGER])) {
      if (readyAt > now + withinMs) break;
      const job = this.jobs.get(id)!;
      const owner = job.lease?.owner;
      if (owner === undefined || readyAt <= now) continue;
      if (!verdicts.has(owner)) verdicts.set(owner, isDead(owner));
      if (verdicts.get(owner)) dead.push(job);
    }
    for (const job of dead) this.endLease(job);
    return dead.map((job) => job.id);
  }

  private endLease(job: StoredJob): void {
    delete job.lease;
    this.setReady(job, job.dueAt);
  }

  async nextReadyAt(): Promise<number | undefined> {
    return this.ready.minKey()?.[0];
  }

  async get(id: string): Promise<Job | undefined> {
    const job = this.jobs.get(id);
    return job ? publicJob(job) : undefined;
  }

  async size(): Promise<number> {
    return this.jobs.size;
  }
}

function publicJob(job: StoredJob): Job {
  const { readyAt: _readyAt, ...rest } = job;
  return structuredClone(rest);
}
