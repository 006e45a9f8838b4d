/**
 * A small typed wrapper over the generated ferry.v1 client: one connection, a deadline on every call, the
 * bearer token on every call, rich error details decoded into FerryClientError, retries of read-only calls
 * on UNAVAILABLE, and a clean close().
 */
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type { ConfigProblem } from '../common/errors.js';
import { loadFerryProto } from '../common/proto.js';
import { decodeStatusDetails, STATUS_DETAILS_KEY } from '../common/status-details.js';
import type { PipelineServiceClient } from './generated/ferry/v1/PipelineService.js';
import type { ClusterServiceClient } from './generated/ferry/v1/ClusterService.js';
import type { RejectsServiceClient } from './generated/ferry/v1/RejectsService.js';
import type { SecretsServiceClient } from './generated/ferry/v1/SecretsService.js';
import type { DeployRequestInput } from './generated/ferry/v1/DeployRequest.js';
import type { DeployResponse } from './generated/ferry/v1/DeployResponse.js';
import type { ValidateRequestInput } from './generated/ferry/v1/ValidateRequest.js';
import type { ValidateResponse } from './generated/ferry/v1/ValidateResponse.js';
import type { GetConfigResponse } from './generated/ferry/v1/GetConfigResponse.js';
import type { ListVersionsResponse } from './generated/ferry/v1/ListVersionsResponse.js';
import type { ListJobsResponse } from './generated/ferry/v1/ListJobsResponse.js';
import type { DescribeJobResponse } from './generated/ferry/v1/DescribeJobResponse.js';
import type { PipelineStatus } from './generated/ferry/v1/PipelineStatus.js';
import type { StartResponse } from './generated/ferry/v1/StartResponse.js';
import type { StopResponse } from './generated/ferry/v1/StopResponse.js';
import type { ResetResponse } from './generated/ferry/v1/ResetResponse.js';
import type { TraceRequestInput } from './generated/ferry/v1/TraceRequest.js';
import type { TraceEvent } from './generated/ferry/v1/TraceEvent.js';
import type { ListWorkersResponse } from './generated/ferry/v1/ListWorkersResponse.js';
import type { ListLeasesResponse } from './generated/ferry/v1/ListLeasesResponse.js';
import type { DrainWorkerResponse } from './generated/ferry/v1/DrainWorkerResponse.js';
import type { ListRejectsRequestInput } from './generated/ferry/v1/ListRejectsRequest.js';
import type { ListRejectsResponse } from './generated/ferry/v1/ListRejectsResponse.js';
import type { ReplayRejectsResponse } from './generated/ferry/v1/ReplayRejectsResponse.js';
import type { PurgeRejectsResponse } from './generated/ferry/v1/PurgeRejectsResponse.js';
import type { SetSecretResponse } from './generated/ferry/v1/SetSecretResponse.js';
import type { ListSecretNamesResponse } from './generated/ferry/v1/ListSecretNamesResponse.js';

export interface FerryClientOptions {
  /** The control plane, host:port. @default FERRY_SERVER or '127.0.0.1:50051' */
  server?: string | undefined;
  /** Bearer token sent on every call. @default FERRY_TOKEN */
  token?: string | undefined;
  /** TLS to the server: `true` for the system's CAs, or PEM files (ca, and cert + key for mutual TLS). */
  tls?:
    | boolean
    | { caFile?: string | undefined; certFile?: string | undefined; keyFile?: string | undefined }
    | undefined;
  /** Deadline of each unary call. @default 10000 (ms) */
  deadlineMs?: number | undefined;
  /** Attempts of a read-only call that fails with UNAVAILABLE. @default 3 */
  readAttempts?: number | undefined;
}

/** An error answer from the control plane, with its details decoded. Decide on `code` or `reason`. */
export class FerryClientError extends Error {
  override readonly name = 'FerryClientError';
  /** The gRPC status code. */
  readonly code: grpc.status;
  /** Ferry's error code from google.rpc.ErrorInfo (e.g. INVALID_CONFIG, VERSION_CONFLICT), when sent. */
  readonly reason: string | undefined;
  /** Configuration problems, for INVALID_ARGUMENT answers to Deploy and Validate. */
  readonly problems: ConfigProblem[];
  readonly metadata: Record<string, string>;

  constructor(
    code: grpc.status,
    message: string,
    details: ReturnType<typeof decodeStatusDetails>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.reason = details.reason;
    this.problems = details.problems ?? [];
    this.metadata = details.metadata ?? {};
  }

  /** The status code's name, e.g. "INVALID_ARGUMENT". */
  get codeName(): string {
    return grpc.status[this.code] ?? String(this.code);
  }
}

/**
 * Codes on which a read-only call is tried again: the server was unreachable or restarting. Nothing else is
 * retried: other codes are answers, and writes (Deploy, Set...) are never retried because they are not
 * idempotent.
 */
const RETRYABLE_READ_CODES = new Set([grpc.status.UNAVAILABLE]);

/** A server stream in progress: cancel() ends it; done settles when it ends. */
export interface StreamHandle {
  cancel(): void;
  done: Promise<void>;
}

export class FerryClient {
  readonly server: string;
  readonly #pipeline: PipelineServiceClient;
  readonly #cluster: ClusterServiceClient;
  readonly #rejects: RejectsServiceClient;
  readonly #secrets: SecretsServiceClient;
  readonly #token: string | undefined;
  readonly #deadlineMs: number;
  readonly #readAttempts: number;

  constructor(options: FerryClientOptions = {}) {
    this.server = options.server ?? process.env['FERRY_SERVER'] ?? '127.0.0.1:50051';
    this.#token = options.token ?? process.env['FERRY_TOKEN'];
    this.#deadlineMs = options.deadlineMs ?? 10_000;
    this.#readAttempts = Math.max(1, options.readAttempts ?? 3);
    const credentials = channelCredentials(options.tls);
    const { proto } = loadFerryProto();
    const v1 = proto.ferry.v1;
    this.#pipeline = new v1.PipelineService(this.server, credentials);
    // The other services share the first client's channel: one connection per FerryClient.
    const channelOverride = { channelOverride: this.#pipeline.getChannel() };
    this.#cluster = new v1.ClusterService(this.server, credentials, channelOverride);
    this.#rejects = new v1.RejectsService(this.server, credentials, channelOverride);
    this.#secrets = new v1.SecretsService(this.server, credentials, channelOverride);
  }

  // --- PipelineService
  deploy(request: DeployRequestInput): Promise<DeployResponse> {
    return this.#call(this.#pipeline, 'deploy', request, false);
  }
  validate(request: ValidateRequestInput): Promise<ValidateResponse> {
    return this.#call(this.#pipeline, 'validate', request, true);
  }
  getConfig(version = 0): Promise<GetConfigResponse> {
    return this.#call(this.#pipeline, 'getConfig', { version }, true);
  }
  listVersions(limit = 20, beforeVersion = 0): Promise<ListVersionsResponse> {
    return this.#call(this.#pipeline, 'listVersions', { limit, beforeVersion }, true);
  }
  listJobs(version = 0): Promise<ListJobsResponse> {
    return this.#call(this.#pipeline, 'listJobs', { version }, true);
  }
  describeJob(name: string, version = 0): Promise<DescribeJobResponse> {
    return this.#call(this.#pipeline, 'describeJob', { name, version }, true);
  }
  getStatus(): Promise<PipelineStatus> {
    return this.#call(this.#pipeline, 'getStatus', {}, true);
  }
  start(jobs: string[] = []): Promise<StartResponse> {
    return this.#call(this.#pipeline, 'start', { jobs }, false);
  }
  stop(jobs: string[] = []): Promise<StopResponse> {
    return this.#call(this.#pipeline, 'stop', { jobs }, false);
  }
  reset(jobs: string[] = []): Promise<ResetResponse> {
    return this.#call(this.#pipeline, 'reset', { jobs }, false);
  }
  /** Calls `onStatus` for every status the server sends, until cancel() or an error. No deadline. */
  watchStatus(intervalMs: number, onStatus: (status: PipelineStatus) => void): StreamHandle {
    return this.#stream(this.#pipeline.watchStatus({ intervalMs }, this.#metadata()), onStatus);
  }
  trace(request: TraceRequestInput, onEvent: (event: TraceEvent) => void): StreamHandle {
    return this.#stream(this.#pipeline.trace(request, this.#metadata()), onEvent);
  }

  // --- ClusterService
  listWorkers(): Promise<ListWorkersResponse> {
    return this.#call(this.#cluster, 'listWorkers', {}, true);
  }
  listLeases(): Promise<ListLeasesResponse> {
    return this.#call(this.#cluster, 'listLeases', {}, true);
  }
  drainWorker(workerId: string): Promise<DrainWorkerResponse> {
    return this.#call(this.#cluster, 'drainWorker', { workerId }, false);
  }

  // --- RejectsService
  listRejects(request: ListRejectsRequestInput): Promise<ListRejectsResponse> {
    return this.#call(this.#rejects, 'list', request, true);
  }
  replayRejects(job: string, ids: string[] = []): Promise<ReplayRejectsResponse> {
    return this.#call(this.#rejects, 'replay', { job, ids }, false);
  }
  purgeRejects(job: string, ids: string[] = []): Promise<PurgeRejectsResponse> {
    return this.#call(this.#rejects, 'purge', { job, ids }, false);
  }

  // --- SecretsService
  setSecret(name: string, value: string): Promise<SetSecretResponse> {
    return this.#call(this.#secrets, 'set', { name, value }, false);
  }
  listSecretNames(): Promise<ListSecretNamesResponse> {
    return this.#call(this.#secrets, 'listNames', {}, true);
  }
  deleteSecret(name: string): Promise<object> {
    return this.#call(this.#secrets, 'delete', { name }, false);
  }

  /** Closes the connection; calls in flight fail with CANCELLED. */
  close(): void {
    this.#pipeline.close();
  }

  #metadata(): grpc.Metadata {
    const metadata = new grpc.Metadata();
    if (this.#token) metadata.set('authorization', `Bearer ${this.#token}`);
    return metadata;
  }

  async #call<Res>(client: grpc.Client, method: string, request: unknown, readOnly: boolean): Promise<Res> {
    const attempts = readOnly ? this.#readAttempts : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#once<Res>(client, method, request);
      } catch (error) {
        if (
          !(error instanceof FerryClientError) ||
          !RETRYABLE_READ_CODES.has(error.code) ||
          attempt >= attempts
        )
          throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** (attempt - 1)));
      }
    }
  }

  #once<Res>(client: grpc.Client, method: string, request: unknown): Promise<Res> {
    return new Promise((resolve, reject) => {
      const deadline = new Date(Date.now() + this.#deadlineMs);
      const fn = (client as unknown as Record<string, (...args: unknown[]) => unknown>)[method];
      if (!fn) throw new Error(`no method ${method}`);
      fn.call(
        client,
        request,
        this.#metadata(),
        { deadline },
        (error: grpc.ServiceError | null, response: Res) => {
          if (error) reject(toClientError(error, this.server));
          else resolve(response);
        },
      );
    });
  }

  #stream<T>(call: grpc.ClientReadableStream<T>, onMessage: (message: T) => void): StreamHandle {
    let cancelled = false;
    const done = new Promise<void>((resolve, reject) => {
      call.on('data', onMessage);
      call.on('end', () => resolve());
      call.on('error', (error: grpc.ServiceError) => {
        if (cancelled && error.code === grpc.status.CANCELLED) resolve();
        else reject(toClientError(error, this.server));
      });
    });
    return {
      cancel: () => {
        cancelled = true;
        call.cancel();
      },
      done,
    };
  }
}

function toClientError(error: grpc.ServiceError, server: string): FerryClientError {
  const raw = error.metadata?.get(STATUS_DETAILS_KEY)[0];
  let details: ReturnType<typeof decodeStatusDetails> = {};
  if (Buffer.isBuffer(raw)) {
    try {
      details = decodeStatusDetails(raw);
    } catch {
      // Undecodable details: the message alone still says what happened.
    }
  }
  let message = error.details || error.message;
  if (error.code === grpc.status.UNAVAILABLE && !details.reason) {
    message = `cannot reach the control plane at ${server} (${message}); is it running (ferry control-plane) and is --server right?`;
  } else if (error.code === grpc.status.DEADLINE_EXCEEDED) {
    message = `the control plane at ${server} did not answer in time (${message})`;
  }
  return new FerryClientError(error.code, message, details, { cause: error });
}

function channelCredentials(tls: FerryClientOptions['tls']): grpc.ChannelCredentials {
  if (!tls) return grpc.credentials.createInsecure();
  if (tls === true) return grpc.credentials.createSsl();
  const read = (file: string | undefined): Buffer | null => (file ? readFileSync(file) : null);
  return grpc.credentials.createSsl(read(tls.caFile), read(tls.keyFile), read(tls.certFile));
}
