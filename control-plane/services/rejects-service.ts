/** ferry.v1.RejectsService: the dead-letter stream arrives with the apply engine. */
import type { RejectsServiceHandlers } from '../../clients/generated/ferry/v1/RejectsService.js';
import { UnimplementedError } from '../../common/errors.js';
import type { AdapterDeps } from '../grpc-adapter.js';
import { unary } from '../grpc-adapter.js';

const MISSING =
  'the dead-letter stream is written by the apply engine (ferry worker), which is not built yet';

export function rejectsService(deps: AdapterDeps): RejectsServiceHandlers {
  const missing = () => Promise.reject(new UnimplementedError(`${MISSING}`));
  return {
    List: unary('List', { role: 'viewer', handle: missing }, deps),
    Replay: unary('Replay', { role: 'operator', handle: missing }, deps),
    Purge: unary('Purge', { role: 'operator', handle: missing }, deps),
  };
}
