import { describe, expect, it } from 'vitest';
import { pathOf } from './routes.js';

describe('pathOf', () => {
  it('extracts the path from request targets and absolute URLs', () => {
    expect(pathOf('/readyz')).toBe('/readyz');
    expect(pathOf('/readyz?full=1')).toBe('/readyz');
    expect(pathOf('/readyz#x')).toBe('/readyz');
    expect(pathOf('http://host:8080/livez?x')).toBe('/livez');
    expect(pathOf('http://host')).toBe('/');
  });
});
