import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDirectoryFile } from '../../src/directory/file-directory.js';
import { ManualClock } from '../../src/domain/clock.js';
import { rightsOnFrom } from '../../src/language/rights-on.js';
import { understand } from '../../src/language/understand.js';
import { SimulatedPermissionService } from '../../src/permissions/simulated.js';
import { createMemoryStore } from '../../src/store/memory-store.js';

const directory = loadDirectoryFile(fileURLToPath(new URL('./fixtures/directory.json', import.meta.url)));

describe('rightsOnFrom (live rights for settling a revoke)', () => {
  it('settles "remove Jan\'s send as" on the Jan who holds it in the permission service now', async () => {
    const clock = new ManualClock();
    const service = new SimulatedPermissionService({ store: createMemoryStore(), directory, clock, visibilityDelayMs: 0 });
    const rightsOn = rightsOnFrom(directory, service);
    const options = { directory, requesterId: 'u-emma', now: new Date(clock.now()), rightsOn };
    const sales = (await directory.getTarget('g-sales'))!;

    // Seeded from the directory: Jan Bakker holds Send As on Sales.
    expect(await rightsOn('g-sales')).toEqual(expect.arrayContaining([{ trustee: 'u-jan-b', right: 'SendAs' }]));
    expect((await understand("remove Jan's send as on Sales", options)).grantee).toEqual({ status: 'resolved', id: 'u-jan-b' });

    // After a change both Jans hold it: the name is ambiguous again.
    const janV = (await directory.getUser('u-jan-v'))!;
    await service.grant({ id: sales.id, kind: sales.kind, mail: sales.mail }, { id: janV.id, mail: janV.mail }, 'SendAs');
    expect((await understand("remove Jan's send as on Sales", options)).grantee).toMatchObject({ status: 'ambiguous' });

    expect(await rightsOn('g-nonexistent')).toEqual([]);
  });
});
