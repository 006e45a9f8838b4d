/**
 * Resolving secret references where the worker runs: the only public door of common/secrets.
 */
export { SecretResolver, readsSecretStore } from './secret-resolver.js';
export type { SecretSources } from './secret-resolver.js';
export { SettingResolutionError, fileErrorReason } from './setting-error.js';
export type { SettingResolutionContext } from './setting-error.js';
