/**
 * The capture status hash of a link (`keys.status.capture(<first source of the link>)`): the fields the
 * worker holding the link's capture lease writes besides its stream state (state, replid, offset, syncMode,
 * databaseEvents, lastWarning, lastError, workerId, updatedAt), and their reading. Snapshot, delete
 * reconciliation and the backlog check are described in docs/operations.md ("How a source is captured").
 */

/** What a capture link reports about its snapshot, its delete reconciliation and its replication backlog. */
export interface CaptureMaintenanceStatus {
  /** Keys emitted by the current or last snapshot. */
  snapshotKeys: number;
  /** The current or last snapshot finished, and the delete reconciliation that followed it, if any. */
  snapshotDone: boolean;
  /** Why the current or last snapshot ran: `first start`, `full resync`, `reset`, `SWAPDB`... */
  snapshotReason: string;
  /** The newest reset (snapshot request) id asked for; empty when none. */
  snapshotRequested: string;
  /** The id of the newest reset served (snapshot and reconciliation finished); empty when none. */
  snapshotId: string;
  /** Target rows read by the current or last delete reconciliation. */
  reconcileRows: number;
  /** Keys it found missing (appended as change events, so apply deletes their rows). */
  reconcileDeletes: number;
  /** It finished; false while one runs, or before any ran. */
  reconcileDone: boolean;
  /** A standing warning (a replication backlog too small for the source's write rate); empty when none. */
  warning: string;
}

/** The field names, as stored. */
export const CAPTURE_MAINTENANCE_FIELDS = [
  'snapshotKeys',
  'snapshotDone',
  'snapshotReason',
  'snapshotRequested',
  'snapshotId',
  'reconcileRows',
  'reconcileDeletes',
  'reconcileDone',
  'warning',
] as const satisfies readonly (keyof CaptureMaintenanceStatus)[];

/** Reads the maintenance fields of a capture status hash (HGETALL); missing or unreadable values read as none. */
export function readCaptureMaintenance(fields: Record<string, string | undefined>): CaptureMaintenanceStatus {
  const count = (value: string | undefined): number => {
    const parsed = Number(value ?? 0);
    return Number.isSafeInteger(parsed) && parsed >= 0 ? parsed : 0;
  };
  return {
    snapshotKeys: count(fields['snapshotKeys']),
    snapshotDone: fields['snapshotDone'] === '1',
    snapshotReason: fields['snapshotReason'] ?? '',
    snapshotRequested: fields['snapshotRequested'] ?? '',
    snapshotId: fields['snapshotId'] ?? '',
    reconcileRows: count(fields['reconcileRows']),
    reconcileDeletes: count(fields['reconcileDeletes']),
    reconcileDone: fields['reconcileDone'] === '1',
    warning: fields['warning'] ?? '',
  };
}
