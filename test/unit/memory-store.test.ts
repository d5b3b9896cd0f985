import { MemoryStore } from '../../src/cache/memory-store.js';
import { cacheStoreBehaviour } from '../cache/store-behaviour.js';

cacheStoreBehaviour('in-process memory store', async () => new MemoryStore(), 'mem:');
