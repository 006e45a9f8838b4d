/**
 * The work a capture link does beside its stream, and when: a snapshot (SCAN of the tracked patterns) and a
 * delete reconciliation (reconcile.ts), each over a scope of databases and jobs. Pure functions; the capture
 * task runs the work one item at a time and merges what is asked meanwhile into the next item.
 *
 * Why each runs:
 * - first start: snapshot (the keys that existed before capture).
 * - full resync after a gap past the master's backlog: snapshot and reconciliation (the keys deleted in the
 *   gap); on a first start there is no gap, so no reconciliation.
 * - reset (a snapshot request from the control plane): snapshot and reconciliation of every job.
 * - FLUSHALL / FLUSHDB with `on_flush: sync`: reconciliation of the jobs of `sync` sources in the flushed
 *   databases; SWAPDB a b: snapshot and reconciliation of both databases.
 *
 * Crash safety: what is running or waiting is kept in the capture position hash (`snapshotPending`,
 * `reconcilePending`, encoded by encodeScope) in the same write as the position that first needs it, so a
 * restart does it again (a wider scope at worst, never a narrower one).
 */
import type { DatabaseEffect } from './key-specs.js';

/** Which databases and jobs a snapshot or reconciliation covers. */
export interface Scope {
  /** The databases; `all` is every database a job tracks. */
  dbs: 'all' | readonly number[];
  /** Only the jobs of sources with `on_flush: sync`. */
  syncOnly: boolean;
}

/** Every tracked database, every job. */
export const FULL_SCOPE: Scope = Object.freeze({ dbs: 'all', syncOnly: false });

/** One item of work: a snapshot, then a reconciliation (either may be absent). */
export interface Maintenance {
  /** Why, for logs and status (`first start`, `full resync`, `reset`, `FLUSHDB`...). */
  reasons: string[];
  snapshot?: Scope;
  reconcile?: Scope;
  /** The reset request this item serves (common/capture-sources.ts, SnapshotRequestFields). */
  snapshotId?: string;
}

/** A job as the scope rules see it. */
export interface ScopedJob {
  db: number;
  /** The job's source has `on_flush: sync`. */
  flushSync: boolean;
}

/** Whether a scope covers a job. */
export function scopeIncludes(scope: Scope, job: ScopedJob): boolean {
  if (scope.syncOnly && !job.flushSync) return false;
  return scope.dbs === 'all' || scope.dbs.includes(job.db);
}

/** The smallest scope that covers both (exact for the scopes capture builds). */
export function mergeScopes(a: Scope | undefined, b: Scope | undefined): Scope | undefined {
  if (!a) return b;
  if (!b) return a;
  const dbs =
    a.dbs === 'all' || b.dbs === 'all' ? 'all' : [...new Set([...a.dbs, ...b.dbs])].sort((x, y) => x - y);
  return { dbs, syncOnly: a.syncOnly && b.syncOnly };
}

/** Both items as one: the union of their scopes and reasons, the newer request id. */
export function mergeMaintenance(a: Maintenance | undefined, b: Maintenance): Maintenance {
  if (!a) return b;
  const snapshot = mergeScopes(a.snapshot, b.snapshot);
  const reconcile = mergeScopes(a.reconcile, b.reconcile);
  const snapshotId = b.snapshotId ?? a.snapshotId;
  return {
    reasons: [...new Set([...a.reasons, ...b.reasons])],
    ...(snapshot ? { snapshot } : {}),
    ...(reconcile ? { reconcile } : {}),
    ...(snapshotId === undefined ? {} : { snapshotId }),
  };
}

/** `all:*` (every job, every db), `sync:0,3` (jobs of `sync` sources in dbs 0 and 3)... */
export function encodeScope(scope: Scope): string {
  return `${scope.syncOnly ? 'sync' : 'all'}:${scope.dbs === 'all' ? '*' : scope.dbs.join(',')}`;
}

/**
 * Reads encodeScope's form back; `1` (what earlier versions stored) and anything unreadable are the full
 * scope, so a damaged value does more work, never less.
 */
export function decodeScope(text: string): Scope {
  const match = /^(all|sync):(\*|\d+(?:,\d+)*)$/.exec(text);
  if (!match) return FULL_SCOPE;
  const dbs = match[2] === '*' ? 'all' : (match[2] as string).split(',').map(Number);
  return { dbs, syncOnly: match[1] === 'sync' };
}

/**
 * What a FLUSHALL, FLUSHDB (run in `db`) or SWAPDB calls for: nothing unless some job of a `sync` source
 * tracks an affected database.
 */
export function flushMaintenance(
  effect: DatabaseEffect,
  db: number,
  jobs: readonly ScopedJob[],
): Maintenance | undefined {
  const affected: Scope =
    effect.kind === 'flushall'
      ? { dbs: 'all', syncOnly: true }
      : effect.kind === 'flushdb'
        ? { dbs: [db], syncOnly: true }
        : {
            dbs: effect.a === effect.b ? [effect.a] : [effect.a, effect.b].sort((x, y) => x - y),
            syncOnly: true,
          };
  if (!jobs.some((job) => scopeIncludes(affected, job))) return undefined;
  const reason = effect.kind.toUpperCase();
  return effect.kind === 'swapdb'
    ? { reasons: [reason], snapshot: affected, reconcile: affected }
    : { reasons: [reason], reconcile: affected };
}

/** What a capture connect knows when the master answered PSYNC. */
export interface ConnectFacts {
  mode: 'continue' | 'fullresync';
  /** No position was saved: the first start of this source. */
  firstStart: boolean;
  /** What a previous session left to do (position hash fields, encodeScope's form). */
  snapshotLeft?: string | undefined;
  reconcileLeft?: string | undefined;
  /** A reset request not served yet. */
  request?: Maintenance | undefined;
}

/**
 * What a connect calls for, as one item: a first start snapshots; a full resync after a saved position (a gap
 * past the master's backlog) snapshots and reconciles; plus the work a previous session left and a reset
 * request not served yet. Undefined when there is nothing to do.
 */
export function maintenanceAtConnect(facts: ConnectFacts): Maintenance | undefined {
  const items: Maintenance[] = [];
  if (facts.firstStart) items.push({ reasons: ['first start'], snapshot: FULL_SCOPE });
  else if (facts.mode === 'fullresync') {
    items.push({ reasons: ['full resync'], snapshot: FULL_SCOPE, reconcile: FULL_SCOPE });
  }
  if (facts.snapshotLeft !== undefined || facts.reconcileLeft !== undefined) {
    items.push({
      reasons: ['interrupted'],
      ...(facts.snapshotLeft === undefined ? {} : { snapshot: decodeScope(facts.snapshotLeft) }),
      ...(facts.reconcileLeft === undefined ? {} : { reconcile: decodeScope(facts.reconcileLeft) }),
    });
  }
  if (facts.request) items.push(facts.request);
  return items.reduce<Maintenance | undefined>(mergeMaintenance, undefined);
}
