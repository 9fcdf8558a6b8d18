import { describe, expect, it } from 'vitest';
import { main as roundRobin } from './round-robin.js';

describe('service discovery examples', () => {
  it('round robin follows the health-filtered snapshot through a drain and a crash', async () => {
    expect(await roundRobin()).toEqual({
      before: ['10.0.0.1:8080', '10.0.0.2:8080', '10.0.0.3:8080'],
      draining: ['10.0.0.2:8080', '10.0.0.3:8080'],
      afterCrash: ['10.0.0.2:8080', '10.0.0.2:8080'],
      versions: [['api-1', 'api-2', 'api-3'], ['api-2', 'api-3'], ['api-2']],
    });
  });
});
