/**
 * Leases: how workers share units of work (`apply/<partition>`, `capture/<host:port>`) and how the control
 * plane elects its leader. The only public door of common/leases.
 *
 * - Worker side: `WorkerRegistry` (register, heartbeat, drain, deregister) and `LeaseKeeper` (adopt grants,
 *   renew, `onLost` / `onHandover`, `release`, `currentEpoch` for fencing).
 * - Control-plane side: `Leader` (election + assignment rounds), `drainWorker`, and the pure
 *   `planAssignments`.
 * - `LeaseStore`: the Lua scripts themselves, for tools and tests.
 */
export type { LeaseKeys, LeaseKind, LeaseRecord } from './lease-record.js';
export {
  LEADER_UNIT,
  applyUnit,
  captureUnit,
  isLeaseLive,
  leaseKeys,
  parseLeases,
  unitKind,
} from './lease-record.js';
export type {
  AssignmentOptions,
  CompiledAssignmentOptions,
  HeartbeatOptions,
  LeaseTimingOptions,
  LeaseTimings,
} from './lease-options.js';
export {
  MIN_LEASE_TTL_MS,
  compileAssignmentOptions,
  compileHeartbeatOptions,
  compileLeaseTimings,
} from './lease-options.js';
export type {
  ClusterView,
  LeaderToken,
  LeaseFailure,
  LeaseOutcome,
  WorkerRecord,
  WorkerView,
} from './lease-store.js';
export { LeaseStore } from './lease-store.js';
export type {
  AssignmentPlan,
  PlanOptions,
  PlannedGrant,
  PlannedHandover,
  PlannedWorker,
} from './plan-assignments.js';
export { planAssignments } from './plan-assignments.js';
export type { LeaseKeeperOptions, LeaseLossReason } from './lease-keeper.js';
export { LeaseKeeper } from './lease-keeper.js';
export type { WorkerRegistryOptions } from './worker-registry.js';
export { WorkerRegistry, defaultWorkerId } from './worker-registry.js';
export type { LeaderOptions, RoundResult } from './leader.js';
export { Leader } from './leader.js';
export { drainWorker } from './drain-worker.js';
