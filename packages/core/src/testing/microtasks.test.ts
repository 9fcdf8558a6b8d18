import { describe, expect, it } from 'vitest';
import { oneAsyncLayer, settlementTurn } from './microtasks.js';

describe('settlementTurn', () => {
  it('counts the turns a wrapper adds, for fulfilment and rejection', async () => {
    const direct = await settlementTurn((input) => input);
    const oneLayer = await settlementTurn(oneAsyncLayer);
    const twoLayers = await settlementTurn(async (input) => await oneAsyncLayer(input));
    expect(direct).toBeLessThan(oneLayer);
    expect(oneLayer).toBeLessThan(twoLayers);
    expect(await settlementTurn(oneAsyncLayer, true)).toBe(oneLayer);
  });
});
