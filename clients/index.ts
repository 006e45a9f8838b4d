/** The public door of Ferry's TypeScript client. */
export { FerryClient, FerryClientError } from './ferry-client.js';
export type { FerryClientOptions, StreamHandle } from './ferry-client.js';
export type * from './generated/pipeline.js';
