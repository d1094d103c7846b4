import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { threadId } from 'node:worker_threads';
import { newId } from '../domain/ids.js';

/**
 * Lease owner ids that name the process holding the lease, so that a process started after a crash
 * (kill -9, OOM) can tell the dead holder's leases from a live one's and take them back at once
 * instead of waiting `WORK_LEASE` for them to lapse.
 *
 * An owner id is `wrk-<worker>.<life>.<pid>.<thread>@<place>`:
 * - `worker`: random, one per `Worker`;
 * - `life`: random, one per load of this module (a process's life): a later process that gets the
 *   same pid (containers start the bot as pid 1 every time) is told apart by it;
 * - `pid`, `thread`: `process.pid` and the worker thread's id (0 on the main thread);
 * - `place`: the space in which that pid means that process (`processPlace`).
 *
 * Ids of other shapes (older releases' `wrk-<random>`, tests' names) are never judged dead: their
 * leases lapse as before.
 */

/** Where pids name processes: the host, and on Linux the kernel boot and the PID namespace. */
export interface ProcessPlace {
  /** `<host name>`, or on Linux `<host name>/<boot id>/<PID namespace inode>`; undefined when that cannot be read. */
  place: string | undefined;
  pid: number;
  thread: number;
  /** This life's random part (see above). */
  life: string;
}

/** Whether a process with this pid runs in this place (an answer of the OS, never a guess). */
export type PidRuns = (pid: number) => boolean;

const LIFE = newId('life').slice('life-'.length);
const OWNER = /^wrk-([2-9A-Z]+)\.([2-9A-Z]+)\.(\d+)\.(\d+)@(.+)$/;

/**
 * Where this process runs. A host name alone does not say that two processes see the same pids:
 * containers that share a host name (`--hostname`, host networking) each have their own PID
 * namespace, in which pid 1 is a different process. So on Linux the place also carries the kernel's
 * boot id and the PID namespace's inode (`/proc/self/ns/pid`); if either cannot be read there, the
 * place is unknown and no lease is ever judged dead. Other systems have no PID namespaces.
 */
export function processPlace(): ProcessPlace {
  return { place: placeName(), pid: process.pid, thread: threadId, life: LIFE };
}

function placeName(): string | undefined {
  const host = hostname();
  if (!host) return undefined;
  if (process.platform !== 'linux') return host;
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const namespace = /^pid:\[(\d+)\]$/.exec(readlinkSync('/proc/self/ns/pid'))?.[1];
    return boot && namespace ? `${host}/${boot}/${namespace}` : undefined;
  } catch {
    return undefined;
  }
}

/** A new owner id for a worker of the process at `here` (see above). */
export function newLeaseOwner(here: ProcessPlace = processPlace()): string {
  const worker = newId('wrk');
  // Without a known place the id still says nothing that could be misread: it names no place.
  return here.place === undefined ? worker : `${worker}.${here.life}.${here.pid}.${here.thread}@${here.place}`;
}

/**
 * Whether the worker that wrote `owner` is certainly dead, as seen from `here`:
 * - it names exactly this place, and a pid no process has here (`runs` false: ESRCH); or
 * - it names this very pid and thread but another life: an earlier process that had our pid.
 * Anything else (another place, an unknown place or shape, a pid that runs, even if reused by
 * another program, another thread of this process) is not known dead: its leases lapse as before.
 */
export function isDeadLeaseOwner(owner: string, here: ProcessPlace = processPlace(), runs: PidRuns = pidRuns): boolean {
  const parsed = OWNER.exec(owner);
  if (!parsed || here.place === undefined || parsed[5] !== here.place) return false;
  const [life, pid, thread] = [parsed[2]!, Number(parsed[3]), Number(parsed[4])];
  if (pid === here.pid) return thread === here.thread && life !== here.life;
  return !runs(pid);
}

/**
 * `kill(pid, 0)`: only ESRCH ("no such process") says it does not run; EPERM means it runs under
 * another user, and any other answer is taken as running (never take a live process's work).
 */
export function pidRuns(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
