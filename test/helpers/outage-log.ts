/** The error a promise rejects with (it must reject). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** A store outage log that records what it hears and lets a test wait for the next line of a level. */
export function outageLog() {
  const lines: { level: 'error' | 'info'; message: string }[] = [];
  const waiting: { level: 'error' | 'info'; resolve: () => void }[] = [];
  const hear = (level: 'error' | 'info') => (message: string) => {
    lines.push({ level, message });
    for (const w of waiting.filter((w) => w.level === level)) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve();
    }
  };
  return {
    lines,
    log: { error: hear('error'), info: hear('info') },
    next: (level: 'error' | 'info') => new Promise<void>((resolve) => waiting.push({ level, resolve })),
  };
}
