/**
 * Whether `promise` settles (fulfils or rejects) within `ms` milliseconds. The promise is not
 * cancelled either way: the stores use this to bound how long closing waits on a connection.
 */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
  ]);
  clearTimeout(timer);
  return settled;
}
