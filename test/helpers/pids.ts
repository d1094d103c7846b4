import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/**
 * The pid of a process that ran and is gone (spawned, exited, reaped): `kill(pid, 0)` answers ESRCH.
 * Checked before it is returned, so a pid the OS already gave to someone else is never used.
 */
export async function deadPid(): Promise<number> {
  for (;;) {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    const pid = child.pid!;
    await once(child, 'exit');
    // The exit event comes after the wait, so the pid is reaped; it is free unless reused at once.
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return pid;
      throw error;
    }
  }
}

/** A process that runs until `stop()` (a live pid not ours). */
export async function liveProcess(): Promise<{ pid: number; stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e6)'], { stdio: 'ignore' });
  await once(child, 'spawn');
  return {
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await once(child, 'exit');
    },
  };
}
