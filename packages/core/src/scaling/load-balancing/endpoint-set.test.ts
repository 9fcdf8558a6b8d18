import { isInvalidOptionError } from '@keel/core/errors';
import { describe, expect, it } from 'vitest';
import { EndpointSet, type EndpointSetChange } from './endpoint-set.js';

describe('EndpointSet', () => {
  it('adds, updates and removes endpoints, emitting each change and bumping the version', () => {
    const set = new EndpointSet<{ zone: string }>([{ id: 'a', metadata: { zone: 'x' } }]);
    const changes: EndpointSetChange<{ zone: string }>[] = [];
    set.changed((change) => changes.push(change));
    expect(set.version).toBe(1);
    set.add({ id: 'b', weight: 2, metadata: { zone: 'y' } });
    const updated = set.update('a', { weight: 5 });
    expect(updated).toEqual({ id: 'a', weight: 5, metadata: { zone: 'x' } });
    expect(set.remove('b')).toBe(true);
    expect(set.remove('b')).toBe(false);
    expect(changes.map((c) => `${c.kind}:${c.endpoint.id}`)).toEqual(['added:b', 'updated:a', 'removed:b']);
    expect(changes[1]).toMatchObject({ previous: { weight: 1 } });
    expect(set.version).toBe(4);
    expect(set.endpoints.map((e) => e.id)).toEqual(['a']);
    expect(set.get('a')?.weight).toBe(5);
    expect(set.has('b')).toBe(false);
    expect(set.size).toBe(1);
  });

  it('replaceAll applies the smallest set of changes', () => {
    const set = new EndpointSet([{ id: 'a' }, { id: 'b' }, { id: 'c', weight: 2 }]);
    const changes: string[] = [];
    set.changed((c) => changes.push(`${c.kind}:${c.endpoint.id}`));
    set.replaceAll([{ id: 'a' }, { id: 'c', weight: 3 }, { id: 'd' }]);
    expect(changes).toEqual(['removed:b', 'updated:c', 'added:d']);
    expect(set.endpoints.map((e) => `${e.id}/${e.weight}`)).toEqual(['a/1', 'c/3', 'd/1']);
    // An equal snapshot with fresh metadata objects changes nothing; different metadata does.
    const zoned = new EndpointSet([{ id: 'a', metadata: { zone: 'x', tags: ['t'] } }]);
    zoned.replaceAll([{ id: 'a', metadata: { zone: 'x', tags: ['t'] } }]);
    expect(zoned.version).toBe(1);
    zoned.replaceAll([{ id: 'a', metadata: { zone: 'y', tags: ['t'] } }]);
    expect(zoned.version).toBe(2);
  });

  it('rejects duplicate ids, unknown ids and bad weights, naming the field', () => {
    const set = new EndpointSet([{ id: 'a' }]);
    const attempts: [() => unknown, string][] = [
      [() => set.add({ id: 'a' }), 'id'],
      [() => set.add({ id: '' }), 'id'],
      [() => set.add({ id: 'b', weight: 0 }), 'weight'],
      [() => set.add({ id: 'b', weight: Number.NaN }), 'weight'],
      [() => set.update('zz', { weight: 1 }), 'id'],
      [() => set.update('a', { weight: -1 }), 'weight'],
    ];
    for (const [attempt, field] of attempts) {
      let caught: unknown;
      try {
        attempt();
      } catch (error) {
        caught = error;
      }
      expect(isInvalidOptionError(caught)).toBe(true);
      expect((caught as { field: string }).field).toBe(field);
    }
    expect(set.version).toBe(1);
  });
});
