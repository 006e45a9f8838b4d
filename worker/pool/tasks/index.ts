/**
 * The piscina task module of the worker's pool: named exports, each one async function taking and
 * returning structured-cloneable data (`pool.run(task, { name })`).
 */
export { apply } from './apply.js';
