// Imported rather than read at run time, so the version is right in the compiled bundle too.
import apiPackage from '../../package.json' with { type: 'json' };
import type { DiscoveryOrigin } from './discovery-configs.js';

/** Who publishes the discovery configs, as Home Assistant shows it. */
export const BRIDGE_ORIGIN: DiscoveryOrigin = { name: 'cloud-cloud', sw_version: apiPackage.version };
