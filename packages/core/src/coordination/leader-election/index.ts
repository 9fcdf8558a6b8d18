export type { ElectionContractSubject } from './contract.js';
export { electionContract } from './contract.js';
export { isLeadershipLostError, LeadershipLostError } from './errors.js';
export type {
  CampaignOptions,
  ElectorEvent,
  ElectorState,
  LeaderElectorOptions,
  LeaderInfo,
  Leadership,
  ObserveOptions,
} from './leader-elector.js';
export { DEFAULT_LEADER_ELECTOR_OPTIONS, LeaderElector } from './leader-elector.js';
