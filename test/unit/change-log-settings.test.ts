/** The change log's options: defaults, the derived per-partition cap, and every rejection message. */
import t from 'tap';
import {
  changeLogKeys,
  compileChangeLogSettings,
  ChangeLogSettingsDefaults,
} from '../../common/change-log/index.js';
import type { ChangeLogSettings } from '../../common/change-log/index.js';

t.test('defaults', (t) => {
  const settings = compileChangeLogSettings();
  t.match(settings, {
    prefix: 'ferry',
    partitions: 16,
    maxLength: 1_000_000,
    partitionCap: 62_500,
    pipeline: 'apply',
    backPressureInitialDelayMs: 10,
    backPressureMaxDelayMs: 1000,
  });
  t.equal(settings.logger, undefined);
  t.equal(ChangeLogSettingsDefaults.partitions, 16);
  t.end();
});

t.test('what the caller sets is kept; the cap per partition rounds up', (t) => {
  const settings = compileChangeLogSettings({
    prefix: 'ferry-b',
    partitions: 3,
    maxLength: 1000,
    pipeline: 'orders',
    backPressureInitialDelayMs: 5,
    backPressureMaxDelayMs: 5,
  });
  t.match(settings, {
    prefix: 'ferry-b',
    partitions: 3,
    maxLength: 1000,
    partitionCap: 334,
    pipeline: 'orders',
  });
  t.equal(compileChangeLogSettings({ partitions: 1024, maxLength: 1024 }).partitionCap, 1);
  t.end();
});

t.test('every bad value is rejected with a message naming the option', (t) => {
  const cases: Array<[ChangeLogSettings, string]> = [
    [{ prefix: '' }, 'changeLog.prefix must be letters, digits and _ . : - (got "")'],
    [{ prefix: 'a{b}' }, 'changeLog.prefix must be letters, digits and _ . : - (got "a{b}")'],
    [{ partitions: 0 }, 'changeLog.partitions must be an integer from 1 to 1024 (got 0)'],
    [{ partitions: 1025 }, 'changeLog.partitions must be an integer from 1 to 1024 (got 1025)'],
    [{ partitions: 2.5 }, 'changeLog.partitions must be an integer from 1 to 1024 (got 2.5)'],
    [
      { partitions: 16, maxLength: 15 },
      'changeLog.maxLength must be an integer of at least partitions (16) (got 15)',
    ],
    [
      { maxLength: Number.NaN },
      'changeLog.maxLength must be an integer of at least partitions (16) (got NaN)',
    ],
    [{ pipeline: '' }, 'changeLog.pipeline must be a non-empty string (got "")'],
    [
      { backPressureInitialDelayMs: 0 },
      'changeLog.backPressureInitialDelayMs must be a positive integer (got 0)',
    ],
    [
      { backPressureInitialDelayMs: 50, backPressureMaxDelayMs: 20 },
      'changeLog.backPressureMaxDelayMs must be an integer of at least backPressureInitialDelayMs (50) (got 20)',
    ],
  ];
  for (const [settings, message] of cases) {
    t.throws(
      () => compileChangeLogSettings(settings),
      { name: 'InvalidArgumentError', code: 'INVALID_ARGUMENT', message },
      message,
    );
  }
  t.end();
});

t.test('key names follow the <prefix>:{tag}:... layout, one hash tag per partition', (t) => {
  const keys = changeLogKeys('ferry');
  t.equal(keys.stream(0), 'ferry:{cl-0}:changes');
  t.equal(keys.stream(7), 'ferry:{cl-7}:changes');
  t.end();
});
