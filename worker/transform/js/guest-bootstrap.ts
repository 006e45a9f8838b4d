/**
 * The JavaScript that runs inside each sandbox before any user code: it hardens the realm and returns the
 * driver that the host calls for every record. It is guest code, kept here as source text; it sees only
 * the QuickJS built-ins and the numbers the host passes in, and it talks to the host through strings only.
 *
 * What it does, in order (see docs/js-transforms.md for the reasons):
 *
 * 1. Removes the globals that observe or share anything beyond one call: SharedArrayBuffer, Atomics,
 *    WeakRef, FinalizationRegistry (Proxy is not even created: the host leaves that intrinsic out).
 * 2. Adds `console` with methods that do nothing (nothing the guest says reaches the host).
 * 3. Guards the built-ins whose C loops never reach QuickJS's interrupt handler: the array methods refuse
 *    array-likes longer than `maxArrayLength` (or whose length is a getter); concat, flat and flatMap are
 *    re-implemented in JavaScript; the string searches refuse work above `maxSearchWork` comparisons.
 * 4. Turns the writable data properties of the built-in prototypes that records and errors commonly shadow
 *    (`constructor`, `toString`, `name`, `message`...) into accessors, so that freezing the prototypes does
 *    not make `record.toString = ...` or `this.name = 'MyError'` fail (the "override mistake").
 * 5. Freezes everything reachable from globalThis and from the hidden intrinsics (generator, iterator and
 *    async prototypes). After this nothing shared survives a call: the user's script runs again, inside a
 *    fresh function scope, for every record (see FACTORY_PREFIX), and the frozen realm has nowhere to keep
 *    state.
 * 6. Returns the driver `{ check, run }`. `run(factory, payload)` takes the user's compiled script and the
 *    JSON text `[record, key, op]`, and answers `'R' + JSON of the records` or `'E' + JSON of the failure`.
 *    All conversion of user values (including getters and toJSON) happens here, inside the limits.
 */

/** The file name of the bootstrap in guest stack traces; never the user's file. */
export const BOOTSTRAP_FILENAME = 'ferry:sandbox';

/**
 * The user's code becomes the body of a function, so each call gets fresh top-level bindings. The prefix
 * has no newline: lines keep their numbers, and only columns of the first line move (by its length).
 */
export const FACTORY_PREFIX = '(function () {';
const FACTORY_SUFFIX = "\n;return typeof transform === 'undefined' ? undefined : transform;\n})";

/** The source of the factory for the user's code. The code must already have compiled as a script. */
export function factorySource(code: string): string {
  return FACTORY_PREFIX + code + FACTORY_SUFFIX;
}

/** What the guest says when a call fails: `kind` tells where, the rest describes the thrown value. */
export interface GuestFailure {
  /** exception: the code threw; no-transform: no function named transform; bad-result: the result is unusable. */
  kind: 'exception' | 'no-transform' | 'bad-result';
  /** The thrown value's name (`TypeError`), when it is an Error. */
  name?: string;
  message: string;
  /** The guest's stack trace, when the thrown value had one. */
  stack?: string;
  /** The thrown value was null or undefined: what QuickJS throws when it cannot allocate its own error. */
  nullish?: boolean;
}

/** Limits the host passes to the bootstrap (plain numbers). */
export interface BootstrapLimits {
  maxArrayLength: number;
  maxSearchWork: number;
}

/**
 * Guest source: a function expression taking BootstrapLimits and returning the driver. Strict mode, no
 * template literals (this is a TypeScript template string), every built-in it needs captured before any
 * user code exists.
 */
export const BOOTSTRAP_SOURCE = String.raw`(function ferrySandbox(limits) {
  'use strict';
  const maxArrayLength = limits.maxArrayLength;
  const maxSearchWork = limits.maxSearchWork;
  const global = globalThis;
  const freeze = Object.freeze;
  const getPrototypeOf = Object.getPrototypeOf;
  const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  const defineProperty = Object.defineProperty;
  const apply = Reflect.apply;
  const ownKeys = Reflect.ownKeys;
  const isArray = Array.isArray;
  const isView = ArrayBuffer.isView;
  const parse = JSON.parse;
  const stringify = JSON.stringify;
  const StringOf = String;
  const ErrorClass = Error;
  const TypeErrorClass = TypeError;
  const RangeErrorClass = RangeError;
  const RegExpClass = RegExp;
  const PromiseClass = typeof Promise === 'function' ? Promise : undefined;
  const SetClass = Set;
  const opaque = [
    ['a Promise', PromiseClass],
    ['a Map', Map],
    ['a Set', Set],
    ['a WeakMap', WeakMap],
    ['a WeakSet', WeakSet],
  ];
  const objectPrototype = Object.prototype;
  const arrayPrototype = Array.prototype;
  const stringPrototype = String.prototype;
  const nativeStringIndexOf = stringPrototype.indexOf;
  const symbolSplit = Symbol.split;
  const symbolReplace = Symbol.replace;
  const symbolMatch = Symbol.match;

  // 1. Nothing that shares memory with, or observes, anything outside one call.
  const removed = ['SharedArrayBuffer', 'Atomics', 'WeakRef', 'FinalizationRegistry', 'Proxy'];
  for (let i = 0; i < removed.length; i++) delete global[removed[i]];

  // 2. console: accepted and ignored.
  const ignore = function () {};
  const consoleObject = {};
  const consoleMethods = ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table'];
  for (let i = 0; i < consoleMethods.length; i++) consoleObject[consoleMethods[i]] = ignore;
  defineProperty(global, 'console', { value: consoleObject, writable: true, enumerable: false, configurable: true });

  // 3a. Array built-ins: the receiver must be an array-like of bounded length.
  function checkArrayLike(value, method) {
    if (value === null || value === undefined) return;
    const type = typeof value;
    if (type !== 'object' && type !== 'function') return;
    if (isView(value)) return;
    let holder = value;
    let descriptor;
    while (holder !== null) {
      descriptor = getOwnPropertyDescriptor(holder, 'length');
      if (descriptor !== undefined) break;
      holder = getPrototypeOf(holder);
    }
    if (descriptor === undefined) return;
    if (!('value' in descriptor)) {
      throw new TypeErrorClass(method + ': the sandbox does not run array methods on objects whose length is a getter');
    }
    const length = descriptor.value;
    if (length === undefined) return;
    if (typeof length !== 'number') {
      throw new TypeErrorClass(method + ': the sandbox needs a numeric length (got ' + typeof length + ')');
    }
    if (length > maxArrayLength) {
      throw new RangeErrorClass(
        method + ': ' + length + ' elements is more than the sandbox allows (' + maxArrayLength + ')');
    }
  }

  function guardArrayMethod(name, native) {
    const label = 'Array.prototype.' + name;
    const wrapper = {
      [name](...args) {
        checkArrayLike(this, label);
        return apply(native, this, args);
      },
    }[name];
    defineProperty(wrapper, 'length', { value: native.length });
    return wrapper;
  }

  function toIntegerOrInfinity(value) {
    const number = +value;
    if (number !== number) return 0;
    if (number === Infinity || number === -Infinity) return number;
    return number < 0 ? -Math.floor(-number) : Math.floor(number);
  }

  function append(target, value) {
    defineProperty(target, target.length, { value: value, writable: true, enumerable: true, configurable: true });
  }

  function flattenInto(target, source, depth) {
    checkArrayLike(source, 'Array.prototype.flat');
    const length = source.length;
    for (let i = 0; i < length; i++) {
      if (!(i in source)) continue;
      const element = source[i];
      if (depth > 0 && isArray(element)) flattenInto(target, element, depth - 1);
      else append(target, element);
    }
  }

  function isConcatSpreadable(value) {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
    const spreadable = value[Symbol.isConcatSpreadable];
    return spreadable !== undefined ? !!spreadable : isArray(value);
  }

  const replacements = {
    concat(...items) {
      if (this === null || this === undefined) throw new TypeErrorClass('Array.prototype.concat called on ' + this);
      const target = [];
      const all = [Object(this)];
      for (let i = 0; i < items.length; i++) all[all.length] = items[i];
      for (let i = 0; i < all.length; i++) {
        const item = all[i];
        if (!isConcatSpreadable(item)) {
          append(target, item);
          continue;
        }
        checkArrayLike(item, 'Array.prototype.concat');
        const length = item.length;
        const start = target.length;
        for (let k = 0; k < length; k++) {
          if (k in item) defineProperty(target, start + k, { value: item[k], writable: true, enumerable: true, configurable: true });
        }
        target.length = start + length;
      }
      return target;
    },
    flat(depth) {
      if (this === null || this === undefined) throw new TypeErrorClass('Array.prototype.flat called on ' + this);
      const target = [];
      flattenInto(target, Object(this), depth === undefined ? 1 : toIntegerOrInfinity(depth));
      return target;
    },
    flatMap(callback, thisArg) {
      if (this === null || this === undefined) throw new TypeErrorClass('Array.prototype.flatMap called on ' + this);
      if (typeof callback !== 'function') throw new TypeErrorClass('Array.prototype.flatMap: not a function');
      const source = Object(this);
      checkArrayLike(source, 'Array.prototype.flatMap');
      const length = source.length;
      const target = [];
      for (let i = 0; i < length; i++) {
        if (!(i in source)) continue;
        const mapped = apply(callback, thisArg, [source[i], i, source]);
        if (isArray(mapped)) flattenInto(target, mapped, 0);
        else append(target, mapped);
      }
      return target;
    },
  };
  defineProperty(replacements.concat, 'length', { value: 1 });
  defineProperty(replacements.flatMap, 'length', { value: 1 });

  // Stepwise or constant-time methods need no guard.
  const unguarded = new SetClass(['constructor', 'at', 'pop', 'push', 'entries', 'keys', 'values']);
  const arrayKeys = ownKeys(arrayPrototype);
  for (let i = 0; i < arrayKeys.length; i++) {
    const key = arrayKeys[i];
    if (typeof key !== 'string' || unguarded.has(key)) continue;
    const descriptor = getOwnPropertyDescriptor(arrayPrototype, key);
    if (!('value' in descriptor) || typeof descriptor.value !== 'function') continue;
    const method = Object.hasOwn(replacements, key) ? replacements[key] : guardArrayMethod(key, descriptor.value);
    defineProperty(arrayPrototype, key, { value: method, writable: true, enumerable: false, configurable: true });
  }
  const nativeArrayFrom = Array.from;
  defineProperty(Array, 'from', {
    value: {
      from(items, ...rest) {
        checkArrayLike(items, 'Array.from');
        return apply(nativeArrayFrom, this, [items, ...rest]);
      },
    }.from,
    writable: true,
    enumerable: false,
    configurable: true,
  });

  // 3b. String searches: QuickJS compares naively, so bound text length x needle length.
  function checkSearch(text, needle, method) {
    const positions = text.length - needle.length + 1;
    if (needle.length > 1 && positions > 0 && positions * needle.length > maxSearchWork) {
      throw new RangeErrorClass('String.prototype.' + method + ': searching ' + text.length +
        ' characters for ' + needle.length + ' characters is more work than the sandbox allows');
    }
  }

  function isRegExpLike(value) {
    if (value === null || typeof value !== 'object') return false;
    const matcher = value[symbolMatch];
    return matcher !== undefined ? !!matcher : value instanceof RegExpClass;
  }

  function guardSearch(name, regExpThrows) {
    const native = stringPrototype[name];
    return {
      [name](search, ...rest) {
        if (this === null || this === undefined) return apply(native, this, [search, ...rest]);
        const text = StringOf(this);
        if (regExpThrows && isRegExpLike(search)) {
          throw new TypeErrorClass('String.prototype.' + name + ' does not take a regular expression');
        }
        const needle = StringOf(search);
        checkSearch(text, needle, name);
        return apply(native, text, [needle, ...rest]);
      },
    }[name];
  }

  // split, replace and replaceAll hand objects with the matching symbol method to it (regular expressions),
  // as the standard says, and search plain strings themselves, with primitive arguments only.
  function guardSymbolSearch(name, symbol) {
    const native = stringPrototype[name];
    return {
      [name](pattern, second) {
        if (this === null || this === undefined) return apply(native, this, [pattern, second]);
        if (pattern !== null && pattern !== undefined) {
          const method = pattern[symbol];
          if (method !== undefined && method !== null) {
            if (name === 'replaceAll' && isRegExpLike(pattern)) {
              const flags = StringOf(pattern.flags);
              if (apply(nativeStringIndexOf, flags, ['g']) === -1) {
                throw new TypeErrorClass('String.prototype.replaceAll needs a regular expression with the g flag');
              }
            }
            return apply(method, pattern, [this, second]);
          }
        }
        const text = StringOf(this);
        if (name === 'split' && pattern === undefined) return apply(native, text, [undefined, second]);
        const needle = StringOf(pattern);
        checkSearch(text, needle, name);
        return apply(native, text, [needle, second]);
      },
    }[name];
  }

  const stringGuards = {
    indexOf: guardSearch('indexOf', false),
    lastIndexOf: guardSearch('lastIndexOf', false),
    includes: guardSearch('includes', true),
    split: guardSymbolSearch('split', symbolSplit),
    replace: guardSymbolSearch('replace', symbolReplace),
    replaceAll: guardSymbolSearch('replaceAll', symbolReplace),
  };
  const stringGuardNames = ownKeys(stringGuards);
  for (let i = 0; i < stringGuardNames.length; i++) {
    const name = stringGuardNames[i];
    const method = stringGuards[name];
    defineProperty(method, 'length', { value: stringPrototype[name].length });
    defineProperty(stringPrototype, name, { value: method, writable: true, enumerable: false, configurable: true });
  }

  // 4. Frozen prototypes would make assignments to inherited names fail; accessors keep them working.
  function tame(object, key) {
    const descriptor = getOwnPropertyDescriptor(object, key);
    if (descriptor === undefined || !('value' in descriptor) || !descriptor.writable || !descriptor.configurable) {
      return;
    }
    const value = descriptor.value;
    defineProperty(object, key, {
      get: function () {
        return value;
      },
      set: function (newValue) {
        if (this === object) {
          throw new TypeErrorClass('Cannot assign to ' + StringOf(key) + ' of a built-in prototype in the sandbox');
        }
        if (this === null || (typeof this !== 'object' && typeof this !== 'function')) return;
        defineProperty(this, key, { value: newValue, writable: true, enumerable: true, configurable: true });
      },
      enumerable: descriptor.enumerable,
      configurable: false,
    });
  }
  const objectKeys = ownKeys(objectPrototype);
  for (let i = 0; i < objectKeys.length; i++) tame(objectPrototype, objectKeys[i]);
  const shadowed = ['constructor', 'toString', 'toLocaleString', 'valueOf', 'toJSON', 'name', 'message'];
  const globalNames = ownKeys(global);
  for (let i = 0; i < globalNames.length; i++) {
    const descriptor = getOwnPropertyDescriptor(global, globalNames[i]);
    const constructor = descriptor && descriptor.value;
    if (typeof constructor !== 'function') continue;
    const prototype = getOwnPropertyDescriptor(constructor, 'prototype');
    if (prototype === undefined || prototype.value === null) continue;
    if (typeof prototype.value !== 'object' && typeof prototype.value !== 'function') continue;
    if (prototype.value === objectPrototype) continue;
    for (let k = 0; k < shadowed.length; k++) tame(prototype.value, shadowed[k]);
  }

  // 5. Freeze the realm, hidden intrinsics included.
  const roots = [global];
  const hidden = [
    function () { return function* () {}; },
    function () { return async function () {}; },
    function () { return async function* () {}; },
    function () { return (function* () {})(); },
    function () { return (async function* () {})(); },
    function () { return [][Symbol.iterator](); },
    function () { return new Map()[Symbol.iterator](); },
    function () { return new Set()[Symbol.iterator](); },
    function () { return ''[Symbol.iterator](); },
    function () { return /x/[Symbol.matchAll](''); },
    function () { return [].values().map(function (x) { return x; }); },
    function () { return Iterator.from({ next: function () { return { done: true }; } }); },
    function () { return (function () { return arguments; })(); },
    function () { return Object.getPrototypeOf(Int8Array); },
  ];
  for (let i = 0; i < hidden.length; i++) {
    try {
      roots[roots.length] = hidden[i]();
    } catch (error) {
      // Not in this engine version: nothing to freeze.
    }
  }

  function harden(pending) {
    const seen = new SetClass();
    while (pending.length > 0) {
      const value = pending.pop();
      if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) continue;
      seen.add(value);
      pending.push(getPrototypeOf(value));
      const keys = ownKeys(value);
      for (let i = 0; i < keys.length; i++) {
        const descriptor = getOwnPropertyDescriptor(value, keys[i]);
        if (descriptor === undefined) continue;
        if ('value' in descriptor) pending.push(descriptor.value);
        else {
          pending.push(descriptor.get);
          pending.push(descriptor.set);
        }
      }
      freeze(value);
    }
  }

  // 6. The driver.
  class BadResult {
    constructor(message) {
      this.message = message;
    }
  }

  function kindOf(value) {
    if (value === null) return 'null';
    if (value === undefined) return 'undefined';
    if (isArray(value)) return 'an array';
    const type = typeof value;
    if (type === 'function') return 'a function';
    if (type !== 'object') return 'a ' + type;
    if (PromiseClass !== undefined && value instanceof PromiseClass) return 'a Promise';
    const prototype = getPrototypeOf(value);
    if (prototype === objectPrototype || prototype === null) return 'an object';
    let name;
    try {
      const constructor = prototype.constructor;
      name = typeof constructor === 'function' ? constructor.name : undefined;
    } catch (error) {
      name = undefined;
    }
    if (typeof name !== 'string' || name === '' || name === 'Object') return 'an object with a prototype of its own';
    return 'an instance of ' + name;
  }

  function isRecord(value) {
    if (value === null || typeof value !== 'object' || isArray(value)) return false;
    const prototype = getPrototypeOf(value);
    return prototype === objectPrototype || prototype === null;
  }

  function truncate(text) {
    return text.length > 2000 ? text.slice(0, 2000) + '...' : text;
  }

  function describeThrown(kind, thrown) {
    // QuickJS throws null when it cannot even allocate its "out of memory" error.
    if (thrown === null || thrown === undefined) return { kind: kind, nullish: true, message: 'threw ' + thrown };
    try {
      if (thrown instanceof ErrorClass) {
        const stack = thrown.stack;
        return {
          kind: kind,
          name: truncate(StringOf(thrown.name)),
          message: truncate(StringOf(thrown.message)),
          stack: typeof stack === 'string' ? truncate(stack) : undefined,
        };
      }
      let text;
      try {
        text = typeof thrown === 'string' ? thrown : stringify(thrown);
      } catch (error) {
        text = undefined;
      }
      if (typeof text !== 'string') text = StringOf(thrown);
      return { kind: kind, message: 'threw ' + kindOf(thrown) + ': ' + truncate(text) };
    } catch (error) {
      return { kind: kind, message: 'threw a value that cannot be described' };
    }
  }

  function failure(description) {
    return 'E' + stringify(description);
  }

  function where(holder, key) {
    return isArray(holder) ? 'the array item ' + key : "the field '" + key + "'";
  }

  function resultReplacer(key, value) {
    switch (typeof value) {
      case 'function':
      case 'symbol':
        throw new BadResult(where(this, key) + ' of a returned record is a ' + typeof value +
          '; records hold JSON values only (strings, numbers, booleans, null, objects and arrays)');
      case 'bigint':
        throw new BadResult(where(this, key) + ' of a returned record is a BigInt; convert it with String() or Number()');
      case 'number':
        if (value !== value || value === Infinity || value === -Infinity) {
          throw new BadResult(where(this, key) + ' of a returned record is ' + value + '; JSON has no such number');
        }
        return value;
      case 'object':
        if (value === null) return value;
        if (isArray(value)) {
          if (value.length > maxArrayLength) {
            throw new BadResult(where(this, key) + ' of a returned record has more than ' + maxArrayLength + ' items');
          }
          return value;
        }
        // JSON would turn these into {} and lose their content without a word.
        for (let i = 0; i < opaque.length; i++) {
          if (opaque[i][1] !== undefined && value instanceof opaque[i][1]) {
            throw new BadResult(where(this, key) + ' of a returned record is ' + opaque[i][0] +
              ', which JSON cannot hold; convert it to an object or an array first');
          }
        }
        return value;
      default:
        return value;
    }
  }

  function badResult(message) {
    return failure({ kind: 'bad-result', message: message });
  }

  function resultText(result) {
    if (result === null || result === undefined) return 'R[]';
    let records;
    if (isRecord(result)) {
      records = [result];
    } else if (isArray(result)) {
      if (result.length > maxArrayLength) {
        return badResult('the transform returned more than ' + maxArrayLength + ' records');
      }
      records = result;
      for (let i = 0; i < records.length; i++) {
        if (!isRecord(records[i])) {
          return badResult('item ' + i + ' of the returned array is ' + kindOf(records[i]) +
            '; every item must be a record (a plain object)');
        }
      }
    } else if (PromiseClass !== undefined && result instanceof PromiseClass) {
      return badResult('the transform returned a Promise; transforms must be synchronous (no async function, no await)');
    } else {
      return badResult('the transform returned ' + kindOf(result) +
        '; return a record (a plain object), an array of records, or null to drop the record');
    }
    try {
      return 'R' + stringify(records, resultReplacer);
    } catch (error) {
      if (error instanceof BadResult) return badResult(error.message);
      return failure(describeThrown('bad-result', error));
    }
  }

  function transformOf(factory) {
    const transform = factory();
    if (typeof transform !== 'function') {
      throw new BadResult('the code must define a top-level function named transform (found ' + kindOf(transform) + ')');
    }
    return transform;
  }

  const driver = {
    check(factory) {
      try {
        transformOf(factory);
      } catch (error) {
        if (error instanceof BadResult) return failure({ kind: 'no-transform', message: error.message });
        return failure(describeThrown('exception', error));
      }
      return 'R';
    },
    run(factory, payload) {
      const input = parse(payload);
      let transform;
      try {
        transform = transformOf(factory);
      } catch (error) {
        if (error instanceof BadResult) return failure({ kind: 'no-transform', message: error.message });
        return failure(describeThrown('exception', error));
      }
      const meta = freeze({ key: input[1], op: input[2] });
      let result;
      try {
        result = transform(input[0], meta);
      } catch (error) {
        return failure(describeThrown('exception', error));
      }
      return resultText(result);
    },
  };

  roots[roots.length] = driver;
  harden(roots);
  return driver;
})`;
