import type { Clock } from '../clock.js';
import type { LampRecord } from '../store/lamp-store.js';
import type { LampConnections } from './lamp-connections.js';
import type { LampCredentials } from './lamp-credentials.js';
import { newLampId, type LampRecords } from './lamp-records.js';

/** What a lamp tells about itself when it connects, as its adapter passes it on (already checked). */
export interface LampHandshake {
  secret: string;
  remoteAddress: string;
  /** From the connection URL (`?mac=`), normalised; null when the lamp gave none. */
  mac: string | null;
  firmwareVersion: string | null;
}

export type Recognition =
  { accepted: true; lamp: LampRecord; added: boolean; moveMacFrom: LampRecord | null } | { accepted: false; reason: string };

/** Where a lamp with no room of its own goes. */
export const DEFAULT_ROOM_ID = 'home';

/**
 * Which lamp a connection is, best first: by its own secret; by the MAC it gives in its URL;
 * else (shared secret, no MAC) by its address, a weak identity: the lamp last seen at that
 * address that is not online now. A lamp never seen before gets a record named after what is
 * known of it. Nothing is stored here: the caller saves the lamp it is given.
 */
export class LampRecognition {
  constructor(
    private readonly credentials: LampCredentials,
    private readonly records: LampRecords,
    private readonly connections: LampConnections,
    private readonly clock: Clock,
  ) {}

  recognise(handshake: LampHandshake): Recognition {
    if (this.credentials.isShared(handshake.secret)) {
      return handshake.mac ? this.#byMac(handshake, handshake.mac) : this.#byAddress(handshake);
    }
    return this.#byOwnSecret(handshake);
  }

  #byOwnSecret(handshake: LampHandshake): Recognition {
    const lamp = this.records.bySecretHash(this.credentials.hashOf(handshake.secret));
    if (!lamp || lamp.revokedAt) return { accepted: false, reason: 'invalid secret' };
    // The lamp's own word about its MAC is stronger than a record made from the shared secret.
    const holder = handshake.mac ? this.records.byMac(handshake.mac) : undefined;
    return {
      accepted: true,
      lamp: { ...lamp, mac: handshake.mac ?? lamp.mac, firmwareVersion: handshake.firmwareVersion ?? lamp.firmwareVersion },
      added: false,
      moveMacFrom: holder && holder.id !== lamp.id ? holder : null,
    };
  }

  #byMac(handshake: LampHandshake, mac: string): Recognition {
    const known = this.records.byMac(mac);
    if (known?.identity === 'OWN_SECRET') {
      return { accepted: false, reason: 'this MAC belongs to a lamp with a secret of its own: connect with that secret' };
    }
    if (known?.revokedAt) return { accepted: false, reason: 'lamp revoked' };
    if (known) {
      const firmwareVersion = handshake.firmwareVersion ?? known.firmwareVersion;
      return { accepted: true, lamp: { ...known, identity: 'MAC', firmwareVersion }, added: false, moveMacFrom: null };
    }
    return { accepted: true, lamp: this.#newLamp(`Lamp ${mac}`, 'MAC', handshake), added: true, moveMacFrom: null };
  }

  #byAddress(handshake: LampHandshake): Recognition {
    const candidates = this.records
      .atAddress(handshake.remoteAddress)
      .filter((lamp) => !this.connections.ofLamp(lamp.id))
      .sort((a, b) => (b.lastSeenAt?.getTime() ?? 0) - (a.lastSeenAt?.getTime() ?? 0));
    const lamp = candidates.find((candidate) => !candidate.revokedAt);
    if (lamp) {
      return {
        accepted: true,
        lamp: { ...lamp, firmwareVersion: handshake.firmwareVersion ?? lamp.firmwareVersion },
        added: false,
        moveMacFrom: null,
      };
    }
    if (candidates.length > 0) return { accepted: false, reason: 'lamp revoked' };
    const name = `Lamp at ${handshake.remoteAddress}`;
    return { accepted: true, lamp: this.#newLamp(name, 'ADDRESS', handshake), added: true, moveMacFrom: null };
  }

  #newLamp(name: string, identity: 'MAC' | 'ADDRESS', handshake: LampHandshake): LampRecord {
    const now = this.clock.now();
    return {
      id: newLampId(),
      name: this.records.freeName(name),
      roomId: DEFAULT_ROOM_ID,
      identity,
      secretHash: null,
      mac: handshake.mac,
      firmwareVersion: handshake.firmwareVersion,
      lastAddress: handshake.remoteAddress,
      createdAt: now,
      lastSeenAt: null,
      statusSince: now,
      revokedAt: null,
    };
  }
}
