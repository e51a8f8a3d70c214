import { Redis } from 'ioredis';
import { secondsOption } from '../protocol/errors.js';
import { CutoffCache } from './cache.js';
import { CachedCutoffStore, type CutoffBackend, type StoredCutoff } from './cached-store.js';
import { latestMootCutoff } from './model.js';
import {
  type CutoffStore,
  type CutoffStoreOptions,
  resolveStoreSettings,
  type StoreSettings,
  StoreUnavailableError,
} from './store.js';

export interface RedisCutoffStoreOptions extends CutoffStoreOptions {
  /** Seconds cut off from Redis after which the cache counts as stale (stalePolicy applies). Default 30. */
  readonly staleAfter?: number;
  /** Seconds between full reloads of the cutoffs, bounding the damage of a missed message. Default 60. */
  readonly resyncInterval?: number;
  /** Seconds a Redis command may take before recordLogout gives up. Default 1. */
  readonly commandTimeout?: number;
  /** Prefix of the keys and the channel, to share one Redis database. Default 'logout-callback:'. */
  readonly keyPrefix?: string;
}

const DEFAULT_STALE_AFTER_SECONDS = 30;
const DEFAULT_RESYNC_INTERVAL_SECONDS = 60;
const DEFAULT_COMMAND_TIMEOUT_SECONDS = 1;
const DEFAULT_KEY_PREFIX = 'logout-callback:';
const MAX_RECONNECT_DELAY_MS = 1000;
const RETRY_RECOVERY_MS = 200;
/** Members per ZSCAN page and per ZADD when writing cutoffs back. */
const BATCH = 1000;

/**
 * One atomic step: raise the cutoff (ZADD GT never lowers a score), remember the signature digest
 * for the replay window (SET NX PX), and tell every instance the resulting cutoff.
 * KEYS: cutoffs sorted set, replay key. ARGV: candidate ms, user_hash, replay window ms, channel.
 */
const RECORD_SCRIPT = `
redis.call('ZADD', KEYS[1], 'GT', ARGV[1], ARGV[2])
local cutoff = redis.call('ZSCORE', KEYS[1], ARGV[2])
local fresh = redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[3])
redis.call('PUBLISH', ARGV[4], cutoff .. ' ' .. ARGV[2])
if fresh then return {cutoff, 1} end
return {cutoff, 0}
`;

interface RecordingRedis extends Redis {
  recordCutoff(
    cutoffsKey: string,
    replayKey: string,
    candidate: number,
    userHash: string,
    replayWindowMs: number,
    channel: string,
  ): Promise<[string, number]>;
}

interface RedisSettings {
  readonly staleAfterMs: number;
  readonly resyncIntervalMs: number;
  readonly commandTimeoutMs: number;
  readonly keyPrefix: string;
}

function resolveRedisSettings(options: RedisCutoffStoreOptions): RedisSettings {
  return {
    staleAfterMs: secondsOption('staleAfter', options.staleAfter, DEFAULT_STALE_AFTER_SECONDS),
    resyncIntervalMs: secondsOption(
      'resyncInterval',
      options.resyncInterval,
      DEFAULT_RESYNC_INTERVAL_SECONDS,
    ),
    commandTimeoutMs: secondsOption(
      'commandTimeout',
      options.commandTimeout,
      DEFAULT_COMMAND_TIMEOUT_SECONDS,
    ),
    keyPrefix: options.keyPrefix ?? DEFAULT_KEY_PREFIX,
  };
}

function connect(url: string, commandTimeoutMs: number): Redis {
  return new Redis(url, {
    lazyConnect: true,
    // Fail fast instead of queueing while disconnected: the receiver answers 503 at once.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    connectTimeout: Math.max(commandTimeoutMs, 1000),
    autoResubscribe: false,
    retryStrategy: (attempt) => Math.min(attempt * 50, MAX_RECONNECT_DELAY_MS),
  });
}

/**
 * Cutoffs in a Redis sorted set (user_hash → cutoff ms), shared by many instances. Each instance
 * keeps every live cutoff in its cache, learns new ones by pub/sub and reloads them all
 * periodically and after every reconnect. A reload merges with max(), and after a reconnect the
 * instance first writes the cutoffs it knows back (ZADD GT): a Redis that lost its data (restart
 * without persistence) is repaired from the instances' caches instead of erasing them.
 */
class RedisBackend implements CutoffBackend {
  readonly #commands: RecordingRedis;
  readonly #subscriber: Redis;
  readonly #cache: CutoffCache;
  readonly #settings: StoreSettings;
  readonly #redis: RedisSettings;
  readonly #cutoffsKey: string;
  readonly #channel: string;
  readonly #resyncTimer: NodeJS.Timeout;
  #retryTimer: NodeJS.Timeout | undefined;
  /** When this instance lost Redis (or has not reached it yet); undefined while in sync. */
  #lostAt: number | undefined;
  /** Counts connection losses, so a recovery that raced with a new loss does not clear it. */
  #losses = 0;
  #lastError: string | undefined;
  #recovering: Promise<void> | undefined;
  #closing = false;

  constructor(url: string, cache: CutoffCache, settings: StoreSettings, redis: RedisSettings) {
    this.#cache = cache;
    this.#settings = settings;
    this.#redis = redis;
    this.#cutoffsKey = `${redis.keyPrefix}cutoffs`;
    this.#channel = `${redis.keyPrefix}cutoffs`;
    this.#lostAt = settings.now();
    this.#commands = connect(url, redis.commandTimeoutMs) as RecordingRedis;
    this.#commands.defineCommand('recordCutoff', { numberOfKeys: 2, lua: RECORD_SCRIPT });
    this.#subscriber = connect(url, redis.commandTimeoutMs);
    this.#subscriber.on('message', (_channel: string, message: string) => this.#learn(message));
    for (const client of [this.#commands, this.#subscriber]) {
      client.on('close', () => this.#markLost());
      client.on('ready', () => this.#recoverOrRetry());
      client.on('error', (error: Error) => {
        this.#lastError = error.message;
      });
    }
    this.#resyncTimer = setInterval(() => this.#resyncOrRecover(), redis.resyncIntervalMs).unref();
  }

  /** Connects, subscribes and loads the cutoffs; rejects (and closes) when Redis cannot be reached. */
  async open(): Promise<void> {
    try {
      await Promise.all([this.#commands.connect(), this.#subscriber.connect()]);
      await this.recover();
    } catch (error) {
      await this.close();
      throw new StoreUnavailableError(`cannot reach Redis: ${errorMessage(error)}`, { cause: error });
    }
  }

  async record(userHash: string, candidate: number, signatureDigest: string): Promise<StoredCutoff> {
    const [cutoff, fresh] = await this.#commands.recordCutoff(
      this.#cutoffsKey,
      `${this.#redis.keyPrefix}replay:${signatureDigest}`,
      candidate,
      userHash,
      Math.ceil(this.#settings.replayWindowMs),
      this.#channel,
    );
    return { cutoff: Number(cutoff), duplicate: fresh === 0 };
  }

  async sweep(): Promise<void> {
    const moot = latestMootCutoff(this.#settings.now(), this.#settings.maxSessionAgeMs);
    await this.#commands.zremrangebyscore(this.#cutoffsKey, '-inf', moot);
  }

  isStale(): boolean {
    return this.#lostAt !== undefined && this.#settings.now() - this.#lostAt >= this.#redis.staleAfterMs;
  }

  problem(): string | undefined {
    if (this.#lostAt === undefined) return undefined;
    const since = new Date(this.#lostAt).toISOString();
    return `out of sync with Redis since ${since}${this.#lastError ? ` (${this.#lastError})` : ''}`;
  }

  async close(): Promise<void> {
    this.#closing = true;
    clearInterval(this.#resyncTimer);
    clearTimeout(this.#retryTimer);
    this.#commands.disconnect();
    this.#subscriber.disconnect();
  }

  /** Brings the cache back in sync: subscribe, write known cutoffs back, reload. One at a time. */
  recover(): Promise<void> {
    this.#recovering ??= this.#recover().finally(() => {
      this.#recovering = undefined;
    });
    return this.#recovering;
  }

  async #recover(): Promise<void> {
    const losses = this.#losses;
    if (this.#commands.status !== 'ready' || this.#subscriber.status !== 'ready') {
      throw new StoreUnavailableError('Redis is not connected');
    }
    // Subscribe before reloading, so no cutoff published in between is missed.
    await this.#subscriber.subscribe(this.#channel);
    await this.#writeBack();
    await this.#reload();
    if (losses === this.#losses) this.#lostAt = undefined;
  }

  #markLost(): void {
    if (this.#closing) return;
    this.#losses += 1;
    this.#lostAt ??= this.#settings.now();
  }

  #recoverOrRetry(): void {
    if (this.#closing) return;
    this.recover().catch(() => {
      if (this.#closing || this.#retryTimer) return;
      this.#retryTimer = setTimeout(() => {
        this.#retryTimer = undefined;
        if (this.#lostAt !== undefined) this.#recoverOrRetry();
      }, RETRY_RECOVERY_MS).unref();
    });
  }

  #resyncOrRecover(): void {
    if (this.#lostAt !== undefined) this.#recoverOrRetry();
    else this.#reload().catch(() => {});
  }

  #learn(message: string): void {
    const space = message.indexOf(' ');
    const cutoff = Number(message.slice(0, space));
    if (space > 0 && Number.isFinite(cutoff)) this.#cache.merge(message.slice(space + 1), cutoff);
  }

  /** Merges every live cutoff in Redis into the cache (ZSCAN pages; ends when the cursor is 0). */
  async #reload(): Promise<void> {
    const moot = latestMootCutoff(this.#settings.now(), this.#settings.maxSessionAgeMs);
    let cursor = '0';
    do {
      const [next, page] = await this.#commands.zscan(this.#cutoffsKey, cursor, 'COUNT', BATCH);
      for (let i = 0; i + 1 < page.length; i += 2) {
        const cutoff = Number(page[i + 1]);
        if (cutoff > moot) this.#cache.merge(page[i] as string, cutoff);
      }
      cursor = next;
    } while (cursor !== '0');
  }

  /** Writes the cutoffs this instance knows back to Redis; ZADD GT leaves newer ones alone. */
  async #writeBack(): Promise<void> {
    let batch: (string | number)[] = [];
    for (const [userHash, cutoff] of this.#cache.live()) {
      batch.push(cutoff, userHash);
      if (batch.length >= 2 * BATCH) {
        await this.#commands.zadd(this.#cutoffsKey, 'GT', ...batch);
        batch = [];
      }
    }
    if (batch.length > 0) await this.#commands.zadd(this.#cutoffsKey, 'GT', ...batch);
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Opens a Redis cutoff store at url (redis://HOST:PORT[/db]) and loads the cutoffs into the cache. */
export async function openRedisCutoffStore(
  url: string,
  options: RedisCutoffStoreOptions = {},
): Promise<CutoffStore> {
  const settings = resolveStoreSettings(options);
  const cache = new CutoffCache(settings.maxSessionAgeMs, settings.now);
  const backend = new RedisBackend(url, cache, settings, resolveRedisSettings(options));
  await backend.open();
  return new CachedCutoffStore(cache, backend, settings);
}
