import { createRequire } from 'node:module';
import type { DiscoveryOrigin } from './discovery-configs.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** Who publishes the discovery configs, as Home Assistant shows it. */
export const BRIDGE_ORIGIN: DiscoveryOrigin = {
  name: 'cloud-cloud',
  sw_version: version,
};
