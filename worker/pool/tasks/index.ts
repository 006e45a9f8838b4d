/**
 * The piscina task module of the worker's pool: named exports, each one async-able function taking and
 * returning structured-cloneable data (`pool.run(task, { name })`).
 */
export { transform } from './transform.js';
export { write } from './write.js';
