import type { CutoffStore } from '../cutoffs/store.js';
import { jsonAnswer } from './answers.js';

/** `GET /healthz`: 200 while the store can take logouts, 503 when it cannot (so a load balancer stops routing). */
export function createHealthHandler(store: Pick<CutoffStore, 'health'>) {
  return async function checkHealth(): Promise<Response> {
    const health = store.health();
    const body = { ok: health.ok, stale: health.stale, ...(health.detail ? { detail: health.detail } : {}) };
    return jsonAnswer(health.ok ? 200 : 503, body);
  };
}
