/** ferry.v1.ClusterService: workers and leases, read from the registry in Redis. */
import type { ClusterServiceHandlers } from '../../clients/generated/ferry/v1/ClusterService.js';
import { UnimplementedError } from '../../common/errors.js';
import type { ClusterRegistry } from '../cluster-registry.js';
import type { AdapterDeps } from '../grpc-adapter.js';
import { unary } from '../grpc-adapter.js';

export function clusterService(deps: AdapterDeps & { registry: ClusterRegistry }): ClusterServiceHandlers {
  const { registry } = deps;
  return {
    ListWorkers: unary(
      'ListWorkers',
      { role: 'viewer', handle: async () => ({ workers: await registry.listWorkers() }) },
      deps,
    ),
    ListLeases: unary(
      'ListLeases',
      { role: 'viewer', handle: async () => ({ leases: await registry.listLeases() }) },
      deps,
    ),
    DrainWorker: unary(
      'DrainWorker',
      {
        role: 'operator',
        handle: () =>
          Promise.reject(
            new UnimplementedError(
              'draining needs lease hand-over in the worker (ferry worker), which is not built yet',
            ),
          ),
      },
      deps,
    ),
  };
}
