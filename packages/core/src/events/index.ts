export type { Disposable, Event } from './event.js';
export { DisposableStore, EventEmitter, once } from './event.js';
