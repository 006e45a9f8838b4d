/**
 * Loads Ferry's gRPC contract (proto/) at run time with the same options the generated types in
 * clients/generated were made with (proto/loader-options.json), so that types and wire objects agree.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { PackageDefinition } from '@grpc/proto-loader';
import type { ProtoGrpcType as PipelineProto } from '../clients/generated/pipeline.js';
import type { ProtoGrpcType as ClusterProto } from '../clients/generated/cluster.js';
import type { ProtoGrpcType as RejectsProto } from '../clients/generated/rejects.js';
import type { ProtoGrpcType as SecretsProto } from '../clients/generated/secrets.js';

/** The ferry.v1 package: every service and message of the contract. */
export type FerryProto = PipelineProto & ClusterProto & RejectsProto & SecretsProto;

/** The proto files that make up the public contract, relative to proto/. */
export const FERRY_PROTO_FILES = [
  // google.rpc first-class in reflection, so that grpcurl can decode the error details Ferry sends.
  'google/rpc/status.proto',
  'google/rpc/error_details.proto',
  'ferry/v1/pipeline.proto',
  'ferry/v1/cluster.proto',
  'ferry/v1/rejects.proto',
  'ferry/v1/secrets.proto',
] as const;

/** The package's root directory (where package.json and proto/ are), from source or from dist/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'proto', 'loader-options.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the Ferry package root (proto/loader-options.json)');
    dir = parent;
  }
}

interface LoaderOptionsFile {
  keepCase: boolean;
  longs: 'Number' | 'String';
  enums: 'String';
  defaults: boolean;
  arrays: boolean;
  oneofs: boolean;
  includeDirs: string[];
}

let cached: { definition: PackageDefinition; proto: FerryProto } | undefined;

/** The package definition (for server reflection) and the loaded ferry.v1 package. Loaded once. */
export function loadFerryProto(): { definition: PackageDefinition; proto: FerryProto } {
  if (cached) return cached;
  const root = packageRoot();
  const options = JSON.parse(
    readFileSync(join(root, 'proto', 'loader-options.json'), 'utf8'),
  ) as LoaderOptionsFile;
  const definition = protoLoader.loadSync([...FERRY_PROTO_FILES], {
    keepCase: options.keepCase,
    longs: options.longs === 'Number' ? Number : String,
    enums: String,
    defaults: options.defaults,
    arrays: options.arrays,
    oneofs: options.oneofs,
    includeDirs: options.includeDirs.map((dir) => join(root, dir)),
  });
  const proto = grpc.loadPackageDefinition(definition) as unknown as FerryProto;
  cached = { definition, proto };
  return cached;
}
