/** `ferry workers`, `ferry leases` and `ferry drain-worker`: the cluster that runs the pipeline. */
import type { Command } from 'commander';
import { EXIT_OK } from '../errors.js';
import { enumLabel, formatAgo, formatTime } from '../format.js';
import type { CliSession } from '../session.js';

export function registerClusterCommands(program: Command, session: CliSession): void {
  program
    .command('workers')
    .summary('list the workers, live and recently gone')
    .action(
      session.action((_options: object, command: Command) =>
        session.withClient(command, async (client, out) => {
          const response = await client.listWorkers();
          const now = Date.now();
          out.result(response, () => {
            if (response.workers.length === 0) {
              out.line('No workers have registered yet. Start one with: ferry worker');
              return;
            }
            out.table(
              ['id', 'host', 'pid', 'version', 'threads', 'state', 'leases', 'started', 'last heartbeat'],
              response.workers.map((worker) => [
                worker.id,
                worker.host,
                worker.pid,
                worker.version,
                worker.threads,
                enumLabel(worker.state, 'WORKER_STATE_'),
                worker.leaseCount,
                formatTime(worker.startedAt),
                formatAgo(worker.lastHeartbeatAt, now),
              ]),
              { alignRight: [2, 4, 6] },
            );
          });
          return EXIT_OK;
        }),
      ),
    );

  program
    .command('leases')
    .summary('list the leases: which worker holds which unit of work')
    .action(
      session.action((_options: object, command: Command) =>
        session.withClient(command, async (client, out) => {
          const response = await client.listLeases();
          const now = Date.now();
          out.result(response, () => {
            if (response.leases.length === 0) {
              out.line(
                'No leases yet: they are handed out once a configuration is deployed and workers run.',
              );
              return;
            }
            out.table(
              ['unit', 'kind', 'owner', 'epoch', 'expires'],
              response.leases.map((lease) => [
                lease.unit,
                enumLabel(lease.kind, 'LEASE_KIND_'),
                lease.owner || '(unassigned)',
                lease.epoch,
                formatAgo(lease.expiresAt, now),
              ]),
              { alignRight: [3] },
            );
          });
          return EXIT_OK;
        }),
      ),
    );

  program
    .command('drain-worker')
    .summary("move a worker's leases to other workers (before stopping it)")
    .argument('<ID>', 'the worker, as `ferry workers` shows it')
    .action(
      session.action((id: string, _options: object, command: Command) =>
        session.withClient(command, async (client, out) => {
          const response = await client.drainWorker(id);
          out.result(response, () =>
            out.line(
              `Worker ${id} is draining: ${response.leasesReleased} lease(s) are being handed over. ` +
                'Follow with: ferry leases',
            ),
          );
          return EXIT_OK;
        }),
      ),
    );
}
