// Key patterns turned around for delete reconciliation (worker/capture/key-template.ts): key column values ->
// the Redis key, for patterns whose only glob character is `*`, and the reason for every other pattern; and
// the keyset page query that reads those values from the target (worker/capture/reconcile.ts).
import t from 'tap';
import { invertKeyPattern, isKeyTemplate } from '../../worker/capture/key-template.js';
import { pageQuery } from '../../worker/capture/reconcile.js';

interface InvertibleCase {
  pattern: string;
  values: string[];
  key: string;
}

// prettier-ignore
const invertible: InvertibleCase[] = [
  { pattern: 'emp:*', values: ['7'], key: 'emp:7' },
  { pattern: '*', values: ['anything'], key: 'anything' },
  { pattern: '*:emp', values: ['eu'], key: 'eu:emp' },
  { pattern: 'order:*:line:*', values: ['7', '3'], key: 'order:7:line:3' },
  { pattern: 'a**b', values: ['x'], key: 'axb' },
  { pattern: 'emp:*', values: [''], key: 'emp:' },
  { pattern: 'emp:]*', values: ['1'], key: 'emp:]1' },
  { pattern: 'us er:*', values: ['é ü'], key: 'us er:é ü' },
];

t.test('invertible patterns rebuild the key from the values, in order', (t) => {
  for (const { pattern, values, key } of invertible) {
    const template = invertKeyPattern(pattern);
    if (!isKeyTemplate(template)) {
      t.fail(`${pattern} should be invertible: ${template.reason}`);
      continue;
    }
    t.equal(template.wildcards, values.length, `${pattern}: one value per *`);
    t.equal(template.build(values), key, `${pattern} with ${JSON.stringify(values)}`);
  }
  t.end();
});

// prettier-ignore
const notInvertible: { pattern: string; reason: string }[] = [
  { pattern: 'emp:?', reason: 'key_pattern "emp:?" has "?" (any one character): only patterns whose glob characters are all "*" map target rows back to keys' },
  { pattern: 'emp:[0-9]*', reason: 'key_pattern "emp:[0-9]*" has "[...]" (a character class): only patterns whose glob characters are all "*" map target rows back to keys' },
  { pattern: 'emp\\:*', reason: 'key_pattern "emp\\\\:*" has a "\\" escape: only patterns whose glob characters are all "*" map target rows back to keys' },
  { pattern: 'config', reason: 'key_pattern "config" has no "*": it names one key, not one per row' },
];

t.test('other glob characters, or no *, cannot be inverted: the reason says why', (t) => {
  for (const { pattern, reason } of notInvertible) {
    const template = invertKeyPattern(pattern);
    t.same(template, { reason }, pattern);
  }
  t.end();
});

t.test('build refuses a wrong number of values', (t) => {
  const template = invertKeyPattern('order:*:line:*');
  if (!isKeyTemplate(template)) throw new Error('invertible');
  t.throws(() => template.build(['7']), { message: 'order:*:line:* takes 2 value(s), got 1' });
  t.end();
});

t.test('the key columns of a target table are read in keyset pages', (t) => {
  t.equal(
    pageQuery({ table: 'emp' }, ['emp_id'], false),
    'SELECT DISTINCT `emp_id` FROM `emp` ORDER BY `emp_id` LIMIT ?',
  );
  t.equal(
    pageQuery({ schema: 'app', table: 'order`line' }, ['order_id', 'line'], true),
    'SELECT DISTINCT `order_id`, `line` FROM `app`.`order``line` WHERE (`order_id`, `line`) > (?, ?) ' +
      'ORDER BY `order_id`, `line` LIMIT ?',
  );
  t.end();
});
