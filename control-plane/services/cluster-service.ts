/** ferry.v1.ClusterService: workers and leases, read from the registry in Redis. */
import type { ClusterServiceHandlers } from '../../clients/generated/ferry/v1/ClusterService.js';
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
        handle: async (request, context) => {
          const leasesReleased = await registry.drain(request.workerId);
          context.logger.info({ worker: request.workerId, leases: leasesReleased }, 'worker draining');
          return { leasesReleased };
        },
      },
      deps,
    ),
  };
}
