// The apply loop's retry pacing: capped exponential backoff with +-20% jitter, and a sleep that a stop cuts
// short.
import { getEventListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import t from 'tap';
import { Backoff, sleep } from '../../worker/apply/backoff.js';

t.test('without jitter (random 0.5) the delay doubles from the initial one up to the cap', (t) => {
  const backoff = new Backoff(100, 1000, () => 0.5);
  t.equal(backoff.failures, 0);
  const delays = Array.from({ length: 7 }, () => backoff.fail());
  t.strictSame(delays, [100, 200, 400, 800, 1000, 1000, 1000]);
  t.equal(backoff.failures, 7);
  t.end();
});

t.test('a cap below the initial delay wins', (t) => {
  const backoff = new Backoff(500, 300, () => 0.5);
  t.strictSame([backoff.fail(), backoff.fail()], [300, 300]);
  t.end();
});

t.test('jitter spans 80% to 120% of the delay, rounded to whole milliseconds', (t) => {
  const low = new Backoff(100, 10_000, () => 0);
  t.strictSame([low.fail(), low.fail(), low.fail()], [80, 160, 320]);
  const high = new Backoff(100, 10_000, () => 0.999999);
  t.strictSame([high.fail(), high.fail(), high.fail()], [120, 240, 480]);
  const quarter = new Backoff(1000, 10_000, () => 0.25);
  t.equal(quarter.fail(), 900);
  // At the cap the jitter still applies, so that many partitions retrying a target do not retry together.
  const capped = new Backoff(1000, 1000, () => 0);
  t.strictSame([capped.fail(), capped.fail()], [800, 800]);
  t.end();
});

t.test('Math.random by default: every delay within the bounds', (t) => {
  const backoff = new Backoff(250, 30_000);
  const outside: string[] = [];
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = Math.min(30_000, 250 * 2 ** Math.min(attempt, 30));
    const delay = backoff.fail();
    if (delay < Math.round(base * 0.8) || delay > Math.round(base * 1.2)) {
      outside.push(`attempt ${attempt}: ${delay} for ${base}`);
    }
  }
  t.strictSame(outside, []);
  t.equal(backoff.failures, 200);
  t.end();
});

t.test('very many failures stay at the cap (no overflow to Infinity or NaN)', (t) => {
  const backoff = new Backoff(250, 30_000, () => 0.5);
  let last = 0;
  for (let attempt = 0; attempt < 5000; attempt++) last = backoff.fail();
  t.equal(last, 30_000);
  t.end();
});

t.test('reset starts over from the initial delay', (t) => {
  const backoff = new Backoff(100, 1000, () => 0.5);
  backoff.fail();
  backoff.fail();
  backoff.fail();
  backoff.reset();
  t.equal(backoff.failures, 0);
  t.strictSame([backoff.fail(), backoff.fail()], [100, 200]);
  t.end();
});

t.test('sleep resolves after the delay and leaves no listener behind', async (t) => {
  const controller = new AbortController();
  const started = performance.now();
  await sleep(60, controller.signal);
  const elapsed = performance.now() - started;
  t.ok(elapsed >= 55, `waited ${Math.round(elapsed)} ms`);
  t.equal(getEventListeners(controller.signal, 'abort').length, 0);
});

t.test('sleep resolves early when its signal aborts, without rejecting', async (t) => {
  const controller = new AbortController();
  const started = performance.now();
  const sleeping = sleep(20_000, controller.signal);
  t.equal(getEventListeners(controller.signal, 'abort').length, 1, 'it listens while it sleeps');
  setTimeout(() => controller.abort(), 30);
  await sleeping;
  const elapsed = performance.now() - started;
  t.ok(elapsed >= 25 && elapsed < 2000, `woke after ${Math.round(elapsed)} ms`);
  t.equal(getEventListeners(controller.signal, 'abort').length, 0);
});

t.test('sleep on an aborted signal resolves at once', async (t) => {
  const controller = new AbortController();
  controller.abort();
  const started = performance.now();
  await sleep(20_000, controller.signal);
  t.ok(performance.now() - started < 100);
  t.equal(getEventListeners(controller.signal, 'abort').length, 0, 'it never listened');
});

t.test('sleep without a signal resolves after the delay', async (t) => {
  const started = performance.now();
  await sleep(30);
  t.ok(performance.now() - started >= 25);
});
