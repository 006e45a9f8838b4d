/** Starts a real control plane in-process on a free loopback port, with its own key prefix, for one test. */
import { silentLogger } from '../../common/logger.js';
import { startControlPlane } from '../../control-plane/server.js';
import type { ControlPlane, ControlPlaneOptions } from '../../control-plane/server.js';
import { FerryClient } from '../../clients/ferry-client.js';
import type { FerryClientOptions } from '../../clients/ferry-client.js';
import { deleteKeys, testRedis, TEST_REDIS_URL, uniquePrefix } from './redis.js';

interface Teardown {
  teardown: (fn: () => unknown) => void;
}

export interface TestControlPlane {
  controlPlane: ControlPlane;
  prefix: string;
  /** A client of this control plane; closed in teardown. */
  client: (options?: FerryClientOptions) => FerryClient;
}

export async function startTestControlPlane(
  t: Teardown,
  name: string,
  options: Partial<ControlPlaneOptions> = {},
): Promise<TestControlPlane> {
  const prefix = uniquePrefix(name);
  const redis = testRedis(t);
  const controlPlane = await startControlPlane({
    listen: '127.0.0.1:0',
    redisUrl: TEST_REDIS_URL,
    keyPrefix: prefix,
    logger: silentLogger(),
    env: {},
    ...options,
  });
  t.teardown(async () => {
    await controlPlane.close(1000);
    await deleteKeys(redis, prefix);
  });
  return {
    controlPlane,
    prefix,
    client: (clientOptions = {}) => {
      const client = new FerryClient({ server: controlPlane.address, token: '', ...clientOptions });
      t.teardown(() => client.close());
      return client;
    },
  };
}
