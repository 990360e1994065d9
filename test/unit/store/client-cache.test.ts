/**
 * The store's client builds each command's middleware once (docs/benchmarks.md: a quarter of the
 * SDK's CPU a request). Only tests that add middleware between calls turn the cache off, and this
 * file starts no such world.
 */
import { describe, expect, it } from 'vitest';
import { documentClient } from '../../../shared/store/client';

describe('the store client, as the handlers run it', () => {
  it('caches its middleware', () => {
    expect(documentClient.config.cacheMiddleware).toBe(true);
  });
});
