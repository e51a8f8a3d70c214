import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryCutoffStore, ReplayMemory } from '../../src/cutoffs/memory.js';
import { openCutoffStore } from '../../src/cutoffs/open.js';
import { cutoffStoreContract } from './contract.js';

cutoffStoreContract('memory', async (options) => createMemoryCutoffStore(options));

describe('memory store', () => {
  it('forgets replay digests after the window (bounded memory)', () => {
    let clock = 0;
    const replays = new ReplayMemory(300_000, () => clock);
    for (let i = 0; i < 100; i++) replays.remember(`digest-${i}`);
    assert.equal(replays.remember('digest-7'), true);
    clock = 299_999;
    replays.sweep();
    assert.equal(replays.size, 100);
    clock = 300_000;
    replays.sweep();
    assert.equal(replays.size, 0);
  });

  it('is what openCutoffStore("memory") opens', async () => {
    const store = await openCutoffStore('memory', { stalePolicy: 'open' });
    assert.equal(store.health().stalePolicy, 'open');
    await store.close();
  });

  it('refuses an unknown spec and bad options', async () => {
    await assert.rejects(openCutoffStore('postgres://127.0.0.1/x'), { code: 'invalid_option' });
    await assert.rejects(openCutoffStore('sqlite:'), { code: 'invalid_option' });
    await assert.rejects(openCutoffStore('memory', { maxSessionAge: 0 }), { code: 'invalid_option' });
    await assert.rejects(openCutoffStore('memory', { stalePolicy: 'ajar' as 'open' }), {
      code: 'invalid_option',
    });
  });
});
