import { describe, expect, it } from 'vitest';
import { remember } from '../../../shared/runtime/recent';

describe('remember', () => {
  it.each([
    { remembered: ['a', 'b', 'c'], kept: ['a', 'b', 'c'] },
    { remembered: ['a', 'b', 'c', 'd'], kept: ['b', 'c', 'd'] },
    // Remembering a key again makes it the most recent: the least recent other goes instead.
    { remembered: ['a', 'b', 'c', 'a', 'd'], kept: ['c', 'a', 'd'] },
    { remembered: ['a', 'a', 'a', 'a'], kept: ['a'] },
  ])('keeps at most 3 entries, the most recently remembered: $remembered -> $kept', ({ remembered, kept }) => {
    const entries = new Map<string, number>();
    for (const [index, key] of remembered.entries()) remember(entries, key, index, 3);
    expect([...entries.keys()]).toEqual(kept);
  });

  it('keeps the latest value of a key remembered again', () => {
    const entries = new Map<string, string>();
    remember(entries, 'case', 'v1', 2);
    remember(entries, 'case', 'v2', 2);
    expect(entries.get('case')).toBe('v2');
  });
});
