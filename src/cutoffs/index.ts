/** logout-callback/cutoffs: per-user session cutoffs and the stores that keep them. */

export { createMemoryCutoffStore } from './memory.js';
export { isEndedBy, isMoot, nextCutoff } from './model.js';
export { DEFAULT_CUTOFF_STORE_SPEC, type OpenCutoffStoreOptions, openCutoffStore } from './open.js';
export { openRedisCutoffStore, type RedisCutoffStoreOptions } from './redis.js';
export { openSqliteCutoffStore } from './sqlite.js';
export {
  type CutoffStore,
  type CutoffStoreOptions,
  DEFAULT_MAX_SESSION_AGE_SECONDS,
  DEFAULT_REPLAY_WINDOW_SECONDS,
  DEFAULT_SWEEP_INTERVAL_SECONDS,
  type LogoutToRecord,
  type RecordedLogout,
  type StalePolicy,
  type StoreHealth,
  StoreUnavailableError,
} from './store.js';
