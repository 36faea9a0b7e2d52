import { invalidOption, OdeonError } from '@odeon/ode';
import { Redis } from 'ioredis';

/** Where Redis listens, parsed from a `redis://[user:password@]host[:port][/db]` URL. */
export interface RedisTarget {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
}

/** Parses a Redis URL; anything else is an `InvalidOption` error. */
export function parseRedisUrl(url: string): RedisTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw invalidOption('redis', url, 'a URL redis://host:port[/db]');
  }
  const port = u.port === '' ? 6379 : Number(u.port);
  const db = u.pathname === '' || u.pathname === '/' ? 0 : Number(u.pathname.slice(1));
  if (u.protocol !== 'redis:' || u.hostname === '' || !Number.isInteger(db) || db < 0)
    throw invalidOption('redis', url, 'a URL redis://host:port[/db]');
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
    ...(u.username !== '' ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password !== '' ? { password: decodeURIComponent(u.password) } : {}),
  };
}

/** Connection options for BullMQ (workers need `maxRetriesPerRequest: null`). */
export function bullConnection(target: RedisTarget) {
  return { ...target, maxRetriesPerRequest: null };
}

/** Checks that Redis answers within `timeoutMs`; otherwise a `QueueUnavailable` error (nothing was queued). */
export async function checkRedis(target: RedisTarget, timeoutMs = 3000): Promise<void> {
  const redis = new Redis({
    ...target,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  redis.on('error', () => {
    // Reported through the rejected connect/ping below.
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (cause) {
    throw new OdeonError(
      'QueueUnavailable',
      `Redis at ${target.host}:${target.port} does not answer: ${(cause as Error).message}.`,
      {
        cause,
        hint: 'Start redis-server there (or fix --redis); nothing was queued, and finished results are kept.',
      },
    );
  } finally {
    redis.disconnect();
  }
}
