/**
 * The leader's assignment plan, as a pure function of what it read in one round: which free units to grant
 * to whom, and which held units to hand over. The rules, in order:
 *
 * 1. Sticky: a live lease of a live, active worker stays where it is.
 * 2. A live lease of a draining worker is handed over to the least-loaded active worker.
 * 3. A free unit (never leased, released, or expired) is granted to the worker a hand-over named, if it is
 *    active, else to the least-loaded active worker, avoiding the owner that let it expire when another exists.
 * 4. Balance: while the most and least loaded active workers differ by more than one unit, hand one unit
 *    over from the most to the least loaded, at most `maxHandoversPerRound` per round.
 *
 * A live lease of a dead worker is left alone: granting it would be refused until it expires, which is what
 * keeps a partitioned worker and its successor from overlapping. A unit already in hand-over is never handed
 * over again; it counts towards the load of its target. Ties are broken by worker id, and units are visited
 * in sorted order, so the same input always gives the same plan.
 */
import type { LeaseRecord } from './lease-record.js';
import { isLeaseLive } from './lease-record.js';

/** A live worker (heartbeat within the worker timeout). */
export interface PlannedWorker {
  id: string;
  /** A draining worker keeps its leases until handed over, and gets no new ones. */
  draining: boolean;
}

export interface PlanOptions {
  /** Redis server time of the read (ms): leases with expiresAt <= now are free. */
  now: number;
  /** Balancing hand-overs per round (draining hand-overs are not limited). @default 2 */
  maxHandoversPerRound?: number;
}

export interface PlannedGrant {
  unit: string;
  owner: string;
}

export interface PlannedHandover {
  unit: string;
  from: string;
  to: string;
  /** The lease's epoch as read, so that the request does nothing if the lease changed since. */
  epoch: number;
}

export interface AssignmentPlan {
  grant: PlannedGrant[];
  handover: PlannedHandover[];
}

interface HeldUnit {
  unit: string;
  epoch: number;
}

/** Plans one round of grants and hand-overs. Pure: same input, same plan. */
export function planAssignments(
  units: readonly string[],
  workers: readonly PlannedWorker[],
  leases: ReadonlyMap<string, LeaseRecord>,
  options: PlanOptions,
): AssignmentPlan {
  const { now } = options;
  const maxHandovers = options.maxHandoversPerRound ?? 2;
  const live = new Set(workers.map((worker) => worker.id));
  const active = [...new Set(workers.filter((worker) => !worker.draining).map((worker) => worker.id))].sort(
    compareIds,
  );
  const load = new Map(active.map((id) => [id, 0]));
  /** Units an active worker holds that balancing may move: live, not in hand-over. */
  const movable = new Map<string, HeldUnit[]>(active.map((id) => [id, []]));
  const fromDraining: (HeldUnit & { from: string })[] = [];
  const free: { unit: string; preferred: string | undefined; avoid: string | undefined }[] = [];

  for (const unit of [...new Set(units)].sort(compareIds)) {
    const lease = leases.get(unit);
    if (!lease || !isLeaseLive(lease, now)) {
      free.push({
        unit,
        preferred: lease?.handoverTo,
        avoid: lease && lease.owner !== '' ? lease.owner : undefined,
      });
      continue;
    }
    if (!live.has(lease.owner)) continue;
    if (lease.handoverTo !== undefined) {
      const countedOn = load.has(lease.handoverTo) ? lease.handoverTo : lease.owner;
      addLoad(load, countedOn);
      continue;
    }
    if (load.has(lease.owner)) {
      addLoad(load, lease.owner);
      movable.get(lease.owner)?.push({ unit, epoch: lease.epoch });
      continue;
    }
    fromDraining.push({ unit, epoch: lease.epoch, from: lease.owner });
  }

  const plan: AssignmentPlan = { grant: [], handover: [] };
  if (active.length === 0) return plan;

  for (const { unit, epoch, from } of fromDraining) {
    const to = leastLoaded(active, load);
    plan.handover.push({ unit, from, to, epoch });
    addLoad(load, to);
  }
  for (const { unit, preferred, avoid } of free) {
    const owner =
      preferred !== undefined && load.has(preferred) ? preferred : leastLoaded(active, load, avoid);
    plan.grant.push({ unit, owner });
    addLoad(load, owner);
  }

  for (let budget = maxHandovers; budget > 0; budget -= 1) {
    const to = leastLoaded(active, load);
    const from = mostLoadedWithMovable(active, load, movable);
    if (from === undefined || (load.get(from) ?? 0) - (load.get(to) ?? 0) <= 1) break;
    // Move the last unit in sorted order: deterministic, and it keeps low partitions where they are.
    const held = movable.get(from)?.pop();
    if (!held) break;
    plan.handover.push({ unit: held.unit, from, to, epoch: held.epoch });
    addLoad(load, from, -1);
    addLoad(load, to);
  }
  return plan;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function addLoad(load: Map<string, number>, id: string, delta = 1): void {
  const current = load.get(id);
  if (current !== undefined) load.set(id, current + delta);
}

/** The active worker with the fewest units (ties: the smallest id), other than `avoid` when possible. */
function leastLoaded(active: readonly string[], load: ReadonlyMap<string, number>, avoid?: string): string {
  const candidates = active.length > 1 && avoid !== undefined ? active.filter((id) => id !== avoid) : active;
  let best = candidates[0] as string;
  for (const id of candidates) if ((load.get(id) ?? 0) < (load.get(best) ?? 0)) best = id;
  return best;
}

/** The active worker with the most units that still has a movable one (ties: the smallest id). */
function mostLoadedWithMovable(
  active: readonly string[],
  load: ReadonlyMap<string, number>,
  movable: ReadonlyMap<string, HeldUnit[]>,
): string | undefined {
  let best: string | undefined;
  for (const id of active) {
    if ((movable.get(id)?.length ?? 0) === 0) continue;
    if (best === undefined || (load.get(id) ?? 0) > (load.get(best) ?? 0)) best = id;
  }
  return best;
}
