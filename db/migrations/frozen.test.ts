import { createHash } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { migrations } from '../data-source';

/**
 * What each released migration's up() and down() send to PostgreSQL, as a SHA-256 of the statements and
 * their parameters in order. A database that applied a migration ran exactly that SQL, so it must never
 * change, not even through a helper it shares. A new migration joins the list once it is released.
 */
const released: Record<string, { up: string; down: string }> = {
  Foundation1763769600000: {
    up: '240bcee9f66073ac67a9535c11d4202244117abd9a463bc4e918fa606aeba910',
    down: 'bf150d8bcd749cca724db18706c64848d88b5811ddbf7f81f096e699cc05e43b',
  },
  Engine1763776800000: {
    up: '34afe0604f0dcc3d866132452c308381067cbb91022346d72f4d48fb40878850',
    down: 'ceb5eddc789ec7f844ec0e925acc941e72a8750f3781bc24839c950fc4083caa',
  },
  SecretsNotifications1763791200000: {
    up: 'fd9805bb020879e39a3a3bd3dd6692aab0d46e2b59f9132cc22d5c2912008b45',
    down: 'f49d519981e5c4e7180cd1b527403ad7aa8697a6da53070cead84a7e8e9504df',
  },
  Audit1763798400000: {
    up: '28d4809cd0ed427346e9f465d33cdcb9e9eaca4c41a2c6626360da045619c75b',
    down: 'ac953064faf97e69fd5905b060095da7d50b5544729d2f2c4035f8caac77e424',
  },
  Dora1763805600000: {
    up: 'd34c351f67e7ee4f5283bd1e68823b8e2a6fd8c85c4f95387e81ef088f0db27e',
    down: 'ef7aa0b247622fc0757fa16e0c2159bbd3e94288f06ca4becb0236dbab06a0ee',
  },
  DoraFacts1763812800000: {
    up: 'e2db4e00e8bda0d4897d427cf4cc861c9025ef612ada9810a9dbae5e2033a644',
    down: '298bdcdebbe9bf3ab51b8152acc23dc1c903450febb2cc606e06e831cabd820c',
  },
  DoraLeadHistogram1763820000000: {
    up: '302abc11548af7378c19f0b534e422a78d860a617e5977ec13a156406e30a3ae',
    down: 'cfcefecc0ebd89d6aae11ce3eccaf1861ccbe59ab372d325286b0a62cdfe927a',
  },
  Releases1763830800000: {
    up: '030a14f9703d0e8add9a235075f367a43717d32f1aca3aae6ea6186eb9ec18a6',
    down: 'b2d9e46ace5000124793c9fddafb6d58b651f9416eb448e857ca2da407a065ac',
  },
  ApiTokenExpiry1763834400000: {
    up: '30da11916246bed07b24c00b238ba948b4b68e930faa75f5bd71b6fbabd12455',
    down: 'cb6235b554ece63ddd4f65426c178d386262b32eece9a084114ff1a3d6e0c4eb',
  },
  EnvironmentPipelines1764489600000: {
    up: 'ff53123264691cf8279db7fe280f729d1d8a76a9184a21a40bb83c592f964b3b',
    down: '261bd554d9894c55fbe5d61318582c178479f463f03a4c052432981134690617',
  },
  ApprovalOutcomes1764579600000: {
    up: 'e41fc10dd320796db3395f1cc5f3421c5df824c2bfb9a8dab83dc54a227907a3',
    down: 'aec9e84054b7ab825d65fcbdeb00b21d0a9b0b55fe887b38f2a210e0b7ecc381',
  },
  DoraDeferredRefresh1764590400000: {
    up: '8820f007e06f55a5299cd23c9c15e69710cb18a3ffcb6739460a66a1b8a1306e',
    down: 'a236c3c2ffd6bd824fcbfd07239331e65d8d95b6f4c68f3e3a339291725eff70',
  },
  Triggers1763829000000: {
    up: '86d6037a5824ea9cd1fd880970ff91ec8ea7d450db1f853651d0ad3d5bb1b651',
    down: 'b3816c456c9ae2af8862a060665cacaba4a39678c73002ac0e36b1c833dcbc68',
  },
  FreezeWindows1764576000000: {
    up: 'baaef555d9bcd993b2867710fa10e4e669460503ae699e0eaeac2373adddad49',
    down: '9f129a77a1ec777f180f3c77c7cdfad1270056603084d7a2c5268e84ca271089',
  },
  AuditLogFilters1764586800000: {
    up: 'd0aa2470927976bf5a91e089202e09dcdc8c21b3efde64e3b3e4bf1b0fe54925',
    down: 'efa4c1a79e5dda8b2912b8bd6baab7024e6851c45cf9274405a652390404263f',
  },
};

/** The statements a migration step issues, recorded by a QueryRunner that only listens. */
async function issued(step: (q: QueryRunner) => Promise<void>): Promise<string> {
  const statements: unknown[] = [];
  const listener = new Proxy({} as QueryRunner, {
    get(_target, property) {
      if (property === 'query')
        return async (sql: string, parameters?: unknown[]) => {
          statements.push(parameters === undefined ? [sql] : [sql, parameters]);
          return [];
        };
      throw new Error(`a migration used QueryRunner.${String(property)}; this test records only query()`);
    },
  });
  await step(listener);
  return createHash('sha256').update(JSON.stringify(statements)).digest('hex');
}

describe('released migrations', () => {
  it.each(Object.keys(released))('%s issues the SQL it was released with', async (name) => {
    const Migration = migrations.find((m) => m.name === name);
    expect(Migration, `${name} is listed in db/data-source.ts`).toBeDefined();
    const migration: MigrationInterface = new Migration!();
    expect({
      up: await issued((q) => migration.up(q)),
      down: await issued((q) => migration.down(q)),
    }).toEqual(released[name]);
  });
});
