import type { Logger } from 'pino';
import pino from 'pino';
import { readPrivateKey } from '../cli/key-files.js';
import { type RunningPlatform, startPlatform } from '../platform/emulator/server.js';
import type { DeliveryStatus } from '../platform/outbox.js';
import { type DemoData, prepareDemoData, type ServiceData } from './data-dir.js';

/** Only loopback: the demo is for the machine it runs on. */
export const DEMO_HOST = '127.0.0.1';

export interface DemoOptions {
  /** The data directory (keys, secrets, SQLite files), made on first run. */
  readonly dataDir: string;
  /** The platform's port; the services take the next two. 0: any free ports. */
  readonly basePort: number;
  /** One line per callback that was delivered or given up; default: none. */
  readonly onDelivery?: (line: string) => void;
  readonly logger?: Logger;
}

export interface DemoService {
  readonly label: string;
  readonly stack: string;
  readonly url: string;
}

export interface RunningDemo {
  readonly platformUrl: string;
  readonly authenticatorUrl: string;
  readonly services: readonly DemoService[];
  /** Stops the services, then the platform. */
  close(): Promise<void>;
}

interface ExampleService {
  readonly url: string;
  readonly serviceId: string;
  close(): Promise<void>;
}

type StartExample = (options: {
  platformUrl: string;
  platformKeys: string[];
  cookieSecret: string;
  cutoffStore: string;
  host: string;
  port: number;
}) => Promise<ExampleService>;

/** The example services, as a user would write them: plain modules in examples/, on the public API. */
const EXAMPLES = [
  {
    label: 'Service A',
    stack: 'Express + express-session',
    file: 'express-session-service.mjs',
    start: 'startExpressSessionService',
    data: (data: DemoData) => data.serviceA,
  },
  {
    label: 'Service B',
    stack: 'Hono + stateless signed cookies',
    file: 'hono-stateless-service.mjs',
    start: 'startHonoStatelessService',
    data: (data: DemoData) => data.serviceB,
  },
] as const;

async function loadExample(file: string, exportName: string): Promise<StartExample> {
  // examples/ sits beside src/ and dist/; a computed specifier keeps tsc from compiling it into dist.
  const href = new URL(`../../examples/${file}`, import.meta.url).href;
  const module = (await import(href)) as Record<string, StartExample>;
  return module[exportName]!;
}

function portOf(basePort: number, offset: number): number {
  return basePort === 0 ? 0 : basePort + offset;
}

function deliveryLine(status: DeliveryStatus, nameOf: (serviceId: string) => string): string | undefined {
  const service = nameOf(status.serviceId);
  if (status.state === 'delivered') return `logout callback delivered to ${service} (user ${status.userId})`;
  if (status.state === 'dead' || status.state === 'failed') {
    return `logout callback to ${service} ${status.state}: ${status.reason ?? status.lastError ?? `HTTP ${status.lastStatus}`}`;
  }
  return undefined;
}

/** Starts the platform emulator and the two example services on loopback. */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const data = prepareDemoData(options.dataDir);
  const platform = await startPlatform({
    keys: readPrivateKey(data.privateKeyPath),
    database: data.platformDatabase,
    host: DEMO_HOST,
    port: portOf(options.basePort, 0),
    logger: options.logger ?? pino({ level: 'silent' }),
  });
  const { onDelivery } = options;
  if (onDelivery) {
    const nameOf = (id: string) => platform.dispatcher.registry.get(id)?.name ?? id;
    platform.dispatcher.subscribe((status) => {
      const line = deliveryLine(status, nameOf);
      if (line) onDelivery(line);
    });
  }
  const started: ExampleService[] = [];
  const close = async () => {
    await Promise.all(started.map((service) => service.close()));
    platform.server.closeAllConnections();
    await platform.close();
  };
  try {
    for (const [index, example] of EXAMPLES.entries()) {
      const start = await loadExample(example.file, example.start);
      started.push(
        await start(serviceOptions(platform, data, example.data(data), portOf(options.basePort, index + 1))),
      );
    }
  } catch (error) {
    await close();
    throw error;
  }
  return {
    platformUrl: platform.url,
    authenticatorUrl: `${platform.url}/authenticator`,
    services: EXAMPLES.map((example, index) => ({
      label: example.label,
      stack: example.stack,
      url: started[index]!.url,
    })),
    close,
  };
}

function serviceOptions(platform: RunningPlatform, data: DemoData, service: ServiceData, port: number) {
  return {
    platformUrl: platform.url,
    platformKeys: [data.publicKeyPem],
    cookieSecret: service.cookieSecret,
    cutoffStore: service.cutoffStore,
    host: DEMO_HOST,
    port,
  };
}
