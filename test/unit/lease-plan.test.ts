/**
 * planAssignments, the leader's pure planner: stickiness, grants of free units, reassignment after a death,
 * draining, gradual balancing by hand-over, and deterministic ties.
 */
import t from 'tap';
import { planAssignments } from '../../common/leases/index.js';
import type { AssignmentPlan, LeaseRecord, PlannedWorker } from '../../common/leases/index.js';

const NOW = 1_700_000_000_000;

function applyUnits(count: number): string[] {
  return Array.from({ length: count }, (_, partition) => `apply/${partition}`);
}

function workers(...ids: string[]): PlannedWorker[] {
  return ids.map((id) => ({ id, draining: false }));
}

function lease(owner: string, fields: Partial<LeaseRecord> = {}): LeaseRecord {
  return { owner, epoch: 1, expiresAt: NOW + 5_000, kind: 'apply', ...fields };
}

/** Leases giving units to owners round-robin, as a plan for `units` over `owners` would. */
function leasesOf(assignment: Record<string, string[]>): Map<string, LeaseRecord> {
  const leases = new Map<string, LeaseRecord>();
  for (const [owner, units] of Object.entries(assignment))
    for (const unit of units) leases.set(unit, lease(owner));
  return leases;
}

function loads(leases: ReadonlyMap<string, LeaseRecord>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const record of leases.values()) {
    if (record.owner !== '' && record.expiresAt > NOW) counts[record.owner] = (counts[record.owner] ?? 0) + 1;
  }
  return counts;
}

/** Carries a plan out the way the scripts and the workers would: grants, then hand-overs completed. */
function carryOut(leases: Map<string, LeaseRecord>, plan: AssignmentPlan): void {
  for (const { unit, owner } of plan.grant) {
    const epoch = (leases.get(unit)?.epoch ?? 0) + 1;
    leases.set(unit, lease(owner, { epoch }));
  }
  for (const { unit, to } of plan.handover) {
    const epoch = (leases.get(unit)?.epoch ?? 0) + 1;
    leases.set(unit, lease(to, { epoch }));
  }
}

t.test('nothing to do: no units, no workers, or no active worker', (t) => {
  t.same(planAssignments([], workers('a', 'b'), new Map(), { now: NOW }), { grant: [], handover: [] });
  t.same(planAssignments(applyUnits(4), [], new Map(), { now: NOW }), { grant: [], handover: [] });
  t.same(
    planAssignments(applyUnits(4), [{ id: 'a', draining: true }], new Map(), { now: NOW }),
    { grant: [], handover: [] },
    'a draining worker gets nothing',
  );
  t.end();
});

t.test('one worker gets every unit', (t) => {
  const plan = planAssignments(['capture/10.0.0.1:6379', ...applyUnits(3)], workers('w1'), new Map(), {
    now: NOW,
  });
  t.same(plan.handover, []);
  t.same(plan.grant, [
    { unit: 'apply/0', owner: 'w1' },
    { unit: 'apply/1', owner: 'w1' },
    { unit: 'apply/2', owner: 'w1' },
    { unit: 'capture/10.0.0.1:6379', owner: 'w1' },
  ]);
  t.end();
});

t.test('free units are spread over the least loaded workers, ties by id', (t) => {
  const plan = planAssignments(applyUnits(16), workers('c', 'a', 'b'), new Map(), { now: NOW });
  t.same(plan.handover, []);
  const leases = new Map<string, LeaseRecord>();
  carryOut(leases, plan);
  t.same(loads(leases), { a: 6, b: 5, c: 5 });
  t.same(plan.grant.slice(0, 4), [
    { unit: 'apply/0', owner: 'a' },
    { unit: 'apply/1', owner: 'b' },
    { unit: 'apply/10', owner: 'c' },
    { unit: 'apply/11', owner: 'a' },
  ]);
  t.same(
    planAssignments([...applyUnits(16)].reverse(), workers('b', 'c', 'a'), new Map(), { now: NOW }),
    plan,
    'the same input in another order gives the same plan',
  );
  t.same(
    planAssignments([...applyUnits(16), 'apply/3', 'apply/3'], workers('a', 'b', 'c'), new Map(), {
      now: NOW,
    }),
    plan,
    'duplicate units are planned once',
  );
  t.end();
});

t.test('sticky: live leases of live workers stay put', (t) => {
  const leases = leasesOf({ a: ['apply/0', 'apply/1'], b: ['apply/2', 'apply/3'], c: ['apply/4'] });
  t.same(planAssignments(applyUnits(5), workers('a', 'b', 'c'), leases, { now: NOW }), {
    grant: [],
    handover: [],
  });
  // A new unit goes to the least loaded worker, not round-robin from scratch.
  const plan = planAssignments(applyUnits(6), workers('a', 'b', 'c'), leases, { now: NOW });
  t.same(plan, { grant: [{ unit: 'apply/5', owner: 'c' }], handover: [] });
  // Leases of units that are not asked for are neither counted nor touched.
  leases.set('apply/99', lease('c'));
  t.same(planAssignments(applyUnits(6), workers('a', 'b', 'c'), leases, { now: NOW }), plan);
  t.end();
});

t.test('a joining worker gets units by gradual hand-over', (t) => {
  const units = applyUnits(16);
  const leases = leasesOf({ a: units.slice(0, 8), b: units.slice(8) });
  const first = planAssignments(units, workers('a', 'b', 'c'), leases, { now: NOW });
  t.same(first.grant, []);
  t.same(first.handover, [
    { unit: 'apply/7', from: 'a', to: 'c', epoch: 1 },
    { unit: 'apply/9', from: 'b', to: 'c', epoch: 1 },
  ]);

  // Next round, before the owners released: the units in hand-over are not asked again, and count for c.
  for (const { unit, to } of first.handover)
    leases.set(unit, lease(leases.get(unit)?.owner ?? '', { handoverTo: to }));
  const second = planAssignments(units, workers('a', 'b', 'c'), leases, { now: NOW });
  t.same(second.grant, []);
  t.same(second.handover, [
    { unit: 'apply/6', from: 'a', to: 'c', epoch: 1 },
    { unit: 'apply/8', from: 'b', to: 'c', epoch: 1 },
  ]);
  t.notOk(
    second.handover.some(({ unit }) => first.handover.some((earlier) => earlier.unit === unit)),
    'no unit is handed over twice',
  );

  // Rounds with every hand-over completed converge to a balance within one unit, at most 2 moves per round.
  const settled = leasesOf({ a: units.slice(0, 8), b: units.slice(8) });
  let rounds = 0;
  for (; rounds < 10; rounds += 1) {
    const plan = planAssignments(units, workers('a', 'b', 'c'), settled, { now: NOW });
    t.ok(plan.handover.length <= 2, `round ${rounds}: at most 2 hand-overs`);
    if (plan.handover.length === 0 && plan.grant.length === 0) break;
    carryOut(settled, plan);
  }
  t.same(loads(settled), { a: 5, b: 6, c: 5 });
  t.equal(rounds, 3, 'three rounds of hand-overs');
  t.end();
});

t.test('maxHandoversPerRound bounds balancing moves', (t) => {
  const units = applyUnits(12);
  const leases = leasesOf({ a: units });
  const plan = planAssignments(units, workers('a', 'b', 'c'), leases, { now: NOW, maxHandoversPerRound: 5 });
  t.equal(plan.handover.length, 5);
  t.same(
    plan.handover.map(({ to }) => to),
    ['b', 'c', 'b', 'c', 'b'],
  );
  t.same(planAssignments(units, workers('a', 'b'), leases, { now: NOW, maxHandoversPerRound: 1 }).handover, [
    { unit: 'apply/9', from: 'a', to: 'b', epoch: 1 },
  ]);
  t.end();
});

t.test("a dead worker's units move once its leases expire", (t) => {
  const units = applyUnits(6);
  const leases = leasesOf({
    a: ['apply/0', 'apply/1'],
    b: ['apply/2', 'apply/3'],
    c: ['apply/4', 'apply/5'],
  });
  // c stopped heartbeating but its leases are still live: nothing may be granted yet (fencing by expiry).
  t.same(planAssignments(units, workers('a', 'b'), leases, { now: NOW }), { grant: [], handover: [] });
  // Expired: granted to the least loaded live workers.
  leases.set('apply/4', lease('c', { expiresAt: NOW }));
  leases.set('apply/5', lease('c', { expiresAt: NOW - 1 }));
  t.same(planAssignments(units, workers('a', 'b'), leases, { now: NOW }), {
    grant: [
      { unit: 'apply/4', owner: 'a' },
      { unit: 'apply/5', owner: 'b' },
    ],
    handover: [],
  });
  t.end();
});

t.test(
  'an expired lease does not go back to the owner that let it expire, unless it is the only one',
  (t) => {
    const leases = leasesOf({ a: ['apply/0'], b: ['apply/1', 'apply/2'] });
    leases.set('apply/0', lease('a', { expiresAt: NOW - 100 }));
    t.same(
      planAssignments(['apply/0', 'apply/1', 'apply/2'], workers('a', 'b'), leases, { now: NOW }).grant,
      [{ unit: 'apply/0', owner: 'b' }],
    );
    t.same(planAssignments(['apply/0'], workers('a'), leases, { now: NOW }).grant, [
      { unit: 'apply/0', owner: 'a' },
    ]);
    t.end();
  },
);

t.test('a draining worker hands everything over and gets nothing new', (t) => {
  const units = applyUnits(7);
  const leases = leasesOf({
    a: ['apply/0', 'apply/1'],
    b: ['apply/2', 'apply/3', 'apply/4'],
    c: ['apply/5'],
  });
  const plan = planAssignments(
    units,
    [
      { id: 'a', draining: false },
      { id: 'b', draining: true },
      { id: 'c', draining: false },
    ],
    leases,
    { now: NOW, maxHandoversPerRound: 0 },
  );
  t.same(plan.handover, [
    { unit: 'apply/2', from: 'b', to: 'c', epoch: 1 },
    { unit: 'apply/3', from: 'b', to: 'a', epoch: 1 },
    { unit: 'apply/4', from: 'b', to: 'c', epoch: 1 },
  ]);
  t.same(plan.grant, [{ unit: 'apply/6', owner: 'a' }], 'the free unit goes to an active worker');
  t.end();
});

t.test('a released unit goes to the worker its hand-over named, if that one is still active', (t) => {
  const leases = leasesOf({ a: ['apply/0', 'apply/1'] });
  leases.set('apply/2', { owner: '', epoch: 4, expiresAt: NOW - 10, kind: 'apply', handoverTo: 'c' });
  const units = ['apply/0', 'apply/1', 'apply/2'];
  t.same(planAssignments(units, workers('a', 'b', 'c'), leases, { now: NOW }).grant, [
    { unit: 'apply/2', owner: 'c' },
  ]);
  t.same(
    planAssignments(units, [...workers('a', 'b'), { id: 'c', draining: true }], leases, { now: NOW }).grant,
    [{ unit: 'apply/2', owner: 'b' }],
    'a draining target is passed over',
  );
  t.same(planAssignments(units, workers('a', 'b'), leases, { now: NOW }).grant, [
    { unit: 'apply/2', owner: 'b' },
  ]);
  t.end();
});

t.test('a unit in hand-over to a worker that died counts for its owner and is not moved again', (t) => {
  const leases = leasesOf({ a: ['apply/0', 'apply/1', 'apply/2'] });
  leases.set('apply/3', lease('a', { handoverTo: 'gone' }));
  const plan = planAssignments(applyUnits(4), workers('a', 'b'), leases, { now: NOW });
  t.same(plan.grant, []);
  t.same(plan.handover, [
    { unit: 'apply/2', from: 'a', to: 'b', epoch: 1 },
    { unit: 'apply/1', from: 'a', to: 'b', epoch: 1 },
  ]);
  t.end();
});
