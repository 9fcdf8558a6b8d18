export { flushMicrotasks, VirtualClock } from '../clock/index.js';
export type { Contract, ContractCase, ContractFixture, TestApi } from './contract.js';
export { assertEqual, assertRejects, assertTrue, defineContract, runContract } from './contract.js';
export { assertInvalidOption, invalidOptionField } from './invalid-option.js';
export { oneAsyncLayer, settlementTurn } from './microtasks.js';
export type { Deferred, Settlement } from './promises.js';
export { deferred, trackSettlement } from './promises.js';
export type { ServiceAvailability } from './services.js';
export { probeService, servicesRequired } from './services.js';
