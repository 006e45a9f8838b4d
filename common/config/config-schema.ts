/**
 * Schema of config.yaml: connections (or RDI's newer `targets`), sources, applier (or RDI's newer
 * `processors`) and Ferry's change_log. User options are decoded as written (snake_case), then compiled into
 * the model with defaults by pure functions that can be tested one by one.
 */
import { isMap } from 'yaml';
import type { YAMLMap } from 'yaml';
import { MappingView, boolean, integer, mapOf, object, oneOf, string } from './combinators.js';
import type { Decoder, ObjectValue } from './combinators.js';
import { connection, source } from './connection-schema.js';
import { ApplierDefaults, ChangeLogDefaults } from './model.js';
import type { ApplierOptions, ChangeLogOptions, ConnectionConfig, SourceConfig } from './model.js';
import type { FileContext } from './yaml-source.js';

const applierFields = {
  read_batch_size: integer({ min: 1 }),
  write_batch_size: integer({ min: 1 }),
  duration: integer({ min: 1 }),
  error_handling: oneOf(['dlq', 'ignore']),
  dlq_max_messages: integer({ min: 1 }),
  on_failed_retry_interval: integer({ min: 1 }),
  dedup: boolean,
  dedup_max_size: integer({ min: 1 }),
  target_data_type: oneOf(['hash', 'json']),
  wait_enabled: boolean,
  wait_timeout: integer({ min: 1 }),
  retry_on_replica_failure: boolean,
  debezium_lob_encoded_placeholder: string(),
  retry_initial_delay_ms: integer({ min: 1 }),
  retry_max_delay_ms: integer({ min: 1 }),
  retry_max_attempts: integer({ min: 0 }),
};

/** `applier` as written: every field optional, RDI's names. */
export type ApplierUserOptions = ObjectValue<typeof applierFields, never>;

/** Cross-field rules of the applier: the backoff cap must not be below the first delay; batch sizes. */
function checkApplier(value: ApplierUserOptions, view: MappingView): void {
  const initial = value.retry_initial_delay_ms ?? ApplierDefaults.retryInitialDelayMs;
  const max = value.retry_max_delay_ms ?? ApplierDefaults.retryMaxDelayMs;
  const retryValid = !view.invalid.has('retry_initial_delay_ms') && !view.invalid.has('retry_max_delay_ms');
  if (retryValid && max < initial) {
    if (value.retry_max_delay_ms !== undefined) {
      view.problemAt('retry_max_delay_ms', `must be >= retry_initial_delay_ms (got ${max} < ${initial})`);
    } else {
      view.problemAt(
        'retry_initial_delay_ms',
        `must be <= retry_max_delay_ms, ${max} by default (got ${initial}); raise retry_max_delay_ms too`,
      );
    }
  }
  const read = value.read_batch_size ?? ApplierDefaults.readBatchSize;
  const write = value.write_batch_size;
  if (write !== undefined && !view.invalid.has('read_batch_size') && write > read) {
    view.warningAt(
      'write_batch_size',
      `is greater than read_batch_size (${write} > ${read}); a write batch never holds more than one read ` +
        `batch, so transactions will have at most ${read} rows`,
    );
  }
}

const applierObject = object({ fields: applierFields }, checkApplier);

/** `applier` as written -> compiled options with RDI's defaults. */
export function compileApplierOptions(user: ApplierUserOptions): ApplierOptions {
  const options: ApplierOptions = {
    readBatchSize: user.read_batch_size ?? ApplierDefaults.readBatchSize,
    writeBatchSize: user.write_batch_size ?? ApplierDefaults.writeBatchSize,
    durationMs: user.duration ?? ApplierDefaults.durationMs,
    errorHandling: user.error_handling ?? ApplierDefaults.errorHandling,
    dlqMaxMessages: user.dlq_max_messages ?? ApplierDefaults.dlqMaxMessages,
    onFailedRetryIntervalSeconds:
      user.on_failed_retry_interval ?? ApplierDefaults.onFailedRetryIntervalSeconds,
    dedup: user.dedup ?? ApplierDefaults.dedup,
    dedupMaxSize: user.dedup_max_size ?? ApplierDefaults.dedupMaxSize,
    targetDataType: user.target_data_type ?? ApplierDefaults.targetDataType,
    waitEnabled: user.wait_enabled ?? ApplierDefaults.waitEnabled,
    waitTimeoutSeconds: user.wait_timeout ?? ApplierDefaults.waitTimeoutSeconds,
    retryOnReplicaFailure: user.retry_on_replica_failure ?? ApplierDefaults.retryOnReplicaFailure,
    retryInitialDelayMs: user.retry_initial_delay_ms ?? ApplierDefaults.retryInitialDelayMs,
    retryMaxDelayMs: user.retry_max_delay_ms ?? ApplierDefaults.retryMaxDelayMs,
    retryMaxAttempts: user.retry_max_attempts ?? ApplierDefaults.retryMaxAttempts,
  };
  if (user.debezium_lob_encoded_placeholder !== undefined) {
    options.debeziumLobEncodedPlaceholder = user.debezium_lob_encoded_placeholder;
  }
  return options;
}

const changeLogFields = {
  partitions: integer({ min: 1, max: 1024 }),
  max_length: integer({ min: 1000 }),
};

/** `change_log` as written. */
export type ChangeLogUserOptions = ObjectValue<typeof changeLogFields, never>;

/** `change_log` as written -> compiled options. */
export function compileChangeLogOptions(user: ChangeLogUserOptions): ChangeLogOptions {
  return {
    partitions: user.partitions ?? ChangeLogDefaults.partitions,
    maxLength: user.max_length ?? ChangeLogDefaults.maxLength,
  };
}

const connections = mapOf(connection);

/** Everything config.yaml defines, compiled. */
export interface ConfigFile {
  connections: Map<string, ConnectionConfig>;
  sources: Map<string, SourceConfig>;
  applier: ApplierOptions;
  changeLog: ChangeLogOptions;
}

/** Rules between top-level sections: where connections come from, and the RDI aliases. */
function checkTopLevel(view: MappingView): void {
  if (!view.has('connections') && !view.has('targets')) {
    view.problem('missing required field "connections"');
  }
  const connectionsNode = view.has('connections') ? view.valueNode('connections') : undefined;
  const targetsNode = view.has('targets') ? view.valueNode('targets') : undefined;
  const entries = [connectionsNode, targetsNode].filter((node) => node !== undefined);
  if (
    entries.length > 0 &&
    entries.every((node) => (!isMap(node) ? isNull(node) : node.items.length === 0))
  ) {
    view.problemAt(
      view.has('connections') ? 'connections' : 'targets',
      'must define at least one connection',
    );
  }
  if (isMap(connectionsNode) && isMap(targetsNode)) {
    const defined = new MappingView(view.ctx, 'connections', connectionsNode).keys();
    const targets = new MappingView(view.ctx, view.pathOf('targets'), targetsNode);
    for (const name of new Set(targets.keys())) {
      if (defined.includes(name)) {
        targets.problemAtKey(name, `connection "${name}" is defined under both connections and targets`);
      }
    }
  }
  if (view.has('applier') && view.has('processors')) {
    view.problemAtKey(
      'processors',
      "applier and processors cannot both be given; processors is RDI's newer name for applier",
    );
  }
}

function isNull(node: unknown): boolean {
  return typeof node === 'object' && node !== null && 'value' in node && node.value === null;
}

const configObject = object(
  {
    fields: {
      connections,
      targets: connections,
      sources: mapOf(source),
      applier: applierObject,
      processors: applierObject,
      change_log: object({ fields: changeLogFields }),
    },
    hints: {
      jobs: 'jobs are separate files, jobs/<name>.yaml',
      logging: 'Ferry logs through its own settings, not config.yaml',
    },
  },
  (_value, view) => checkTopLevel(view),
);

/** Decodes config.yaml's root mapping; undefined when it has problems (all of them recorded). */
export const configFile: Decoder<ConfigFile> = (node, at) => {
  const value = configObject(node, at);
  if (!value) return undefined;
  return {
    connections: new Map([...(value.connections ?? []), ...(value.targets ?? [])]),
    sources: value.sources ?? new Map<string, SourceConfig>(),
    applier: compileApplierOptions(value.applier ?? value.processors ?? {}),
    changeLog: compileChangeLogOptions(value.change_log ?? {}),
  };
};

/** Decodes config.yaml. */
export function decodeConfigFile(ctx: FileContext, root: YAMLMap): ConfigFile | undefined {
  return configFile(root, { ctx, path: '' });
}
