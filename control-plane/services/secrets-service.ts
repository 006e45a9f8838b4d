/** ferry.v1.SecretsService: set, list names, delete. Values never leave the store. */
import type { SecretsServiceHandlers } from '../../clients/generated/ferry/v1/SecretsService.js';
import type { SecretName } from '../../clients/generated/ferry/v1/SecretName.js';
import type { AdapterDeps } from '../grpc-adapter.js';
import { unary } from '../grpc-adapter.js';
import type { SecretStore } from '../../common/secret-store.js';
import { toTimestamp } from '../wire.js';

export function secretsService(deps: AdapterDeps & { secrets: SecretStore }): SecretsServiceHandlers {
  const { secrets } = deps;
  return {
    Set: unary(
      'Set',
      {
        role: 'admin',
        handle: async (request, context) => {
          const created = await secrets.set(request.name, request.value, context.principal.name);
          context.logger.info({ secret: request.name, created }, 'secret set');
          return { created };
        },
      },
      deps,
    ),
    ListNames: unary(
      'ListNames',
      {
        role: 'admin',
        handle: async () => ({
          secrets: (await secrets.list()).map((secret): SecretName => ({
            name: secret.name,
            updatedAt: toTimestamp(secret.updatedAt) as SecretName['updatedAt'],
            updatedBy: secret.updatedBy,
          })),
        }),
      },
      deps,
    ),
    Delete: unary(
      'Delete',
      {
        role: 'admin',
        handle: async (request, context) => {
          await secrets.delete(request.name);
          context.logger.info({ secret: request.name }, 'secret deleted');
          return {};
        },
      },
      deps,
    ),
  };
}
