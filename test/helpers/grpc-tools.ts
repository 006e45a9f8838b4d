/**
 * Independent gRPC clients for grpc.health.v1 and grpc.reflection, loaded from the packages' own protos: what
 * grpcurl and load balancers use, checked without going through Ferry's client.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';

const require = createRequire(import.meta.url);

type Any = Record<string, unknown>;

export interface HealthClient {
  check(service: string): Promise<string>;
  close(): void;
}

export function loadHealthClient(address: string): HealthClient {
  const protoPath = join(
    dirname(require.resolve('grpc-health-check/package.json')),
    'proto',
    'health',
    'v1',
    'health.proto',
  );
  const definition = protoLoader.loadSync(protoPath, { enums: String });
  const Health = (grpc.loadPackageDefinition(definition) as Any)['grpc'] as Any;
  const HealthClientCtor = ((Health['health'] as Any)['v1'] as Any)['Health'] as typeof grpc.Client;
  const client = new HealthClientCtor(address, grpc.credentials.createInsecure()) as grpc.Client & Any;
  return {
    check: (service) =>
      new Promise((resolve, reject) => {
        (client['Check'] as (req: Any, opts: Any, cb: (e: grpc.ServiceError | null, r: Any) => void) => void)(
          { service },
          { deadline: Date.now() + 2000 },
          (error, response) => (error ? reject(error) : resolve(response['status'] as string)),
        );
      }),
    close: () => client.close(),
  };
}

export interface ReflectionClient {
  /** The fully qualified names of every service, as `grpcurl list` prints them. */
  listServices(): Promise<string[]>;
  /** The FileDescriptorProtos (decoded) of the file defining `symbol` and its dependencies. */
  fileContainingSymbol(symbol: string): Promise<descriptor.IFileDescriptorProto[]>;
  close(): void;
}

/** A client of grpc.reflection.v1alpha, the version grpcurl asks first. */
export function loadReflectionClient(address: string): ReflectionClient {
  const protoPath = join(
    dirname(require.resolve('@grpc/reflection/package.json')),
    'build',
    'proto',
    'grpc',
    'reflection',
    'v1alpha',
    'reflection.proto',
  );
  const definition = protoLoader.loadSync(protoPath, { keepCase: true, oneofs: true });
  const root = grpc.loadPackageDefinition(definition) as Any;
  const Ctor = (((root['grpc'] as Any)['reflection'] as Any)['v1alpha'] as Any)[
    'ServerReflection'
  ] as typeof grpc.Client;
  const client = new Ctor(address, grpc.credentials.createInsecure()) as grpc.Client & Any;

  function ask(request: Any): Promise<Any> {
    return new Promise((resolve, reject) => {
      const call = (client['ServerReflectionInfo'] as () => grpc.ClientDuplexStream<Any, Any>)();
      call.on('data', (response: Any) => {
        resolve(response);
        call.end();
      });
      call.on('error', reject);
      call.write(request);
    });
  }

  return {
    async listServices() {
      const response = await ask({ list_services: '' });
      const services = (response['list_services_response'] as { service: { name: string }[] }).service;
      return services.map((service) => service.name).sort();
    },
    async fileContainingSymbol(symbol) {
      const response = await ask({ file_containing_symbol: symbol });
      if (response['error_response']) throw new Error(JSON.stringify(response['error_response']));
      const files = (response['file_descriptor_response'] as { file_descriptor_proto: Buffer[] })
        .file_descriptor_proto;
      return files.map(
        (bytes) => descriptor.FileDescriptorProto.decode(bytes) as unknown as descriptor.IFileDescriptorProto,
      );
    },
    close: () => client.close(),
  };
}

export { protobuf };
