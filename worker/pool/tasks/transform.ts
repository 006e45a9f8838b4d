/** Piscina task: records -> rows (see worker/apply/records.ts). Pure CPU work, no I/O, no ambient authority. */
import { transformRecords } from '../../apply/records.js';
import type { TransformResult, TransformTask } from '../../apply/types.js';

export function transform(task: TransformTask): TransformResult {
  return transformRecords(task);
}
