import type { CutoffStore } from '../cutoffs/store.js';
import { jsonAnswer } from './answers.js';

/** `GET /healthz`: 200 while the store can take logouts, 503 when it cannot (so a load balancer stops routing). */
export function createHealthHandler(store: Pick<CutoffStore, 'health'>) {
  return async function checkHealth(): Promise<Response> {
    const health = store.health();
    return jsonAnswer(health.ok ? 200 : 503, health);
  };
}
