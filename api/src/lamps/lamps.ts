import { LampCloseCode } from '@cloud-cloud/protocol/close-codes';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { InvalidInput } from '../invalid-input.js';
import type { Rooms } from '../rooms/rooms.js';
import type { LampRecord, StoredDebugMessage } from '../store/lamp-store.js';
import type { LampConnections, LampView } from './lamp-connections.js';
import type { DeviceSecret, LampCredentials } from './lamp-credentials.js';
import { DEFAULT_ROOM_ID } from './lamp-identity.js';
import { newLampId, type LampRecords } from './lamp-records.js';
import type { CommandDispatch } from '../commands/command-dispatch.js';

export const LAMP_NAME_MAX = 64;

export interface LampFilter {
  roomId?: string | null;
  online?: boolean | null;
}

/**
 * The lamps as people manage them: listing, registering one with a secret of its own, renaming,
 * moving between rooms, revoking and forgetting, and the shared secret the others use. Every
 * answer is the lamp as it is after the change.
 */
export class Lamps {
  constructor(
    private readonly records: LampRecords,
    private readonly connections: LampConnections,
    private readonly rooms: Rooms,
    private readonly credentials: LampCredentials,
    private readonly dispatch: CommandDispatch,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  find(id: string): LampView | undefined {
    const lamp = this.records.find(id);
    return lamp && this.connections.view(lamp);
  }

  /** The lamp, or InvalidInput naming `argument`. */
  require(id: string, argument = 'lampId'): LampRecord {
    const lamp = this.records.find(id);
    if (!lamp) throw new InvalidInput(argument, `no lamp with id ${id}`);
    return lamp;
  }

  /** By their room's position, then by name. */
  list(filter: LampFilter = {}): LampView[] {
    const positions = new Map(this.rooms.list().map((room) => [room.id, room.position]));
    return this.records
      .all()
      .filter((lamp) => filter.roomId == null || lamp.roomId === filter.roomId)
      .map((lamp) => this.connections.view(lamp))
      .filter((lamp) => filter.online == null || lamp.online === filter.online)
      .sort(
        (a, b) =>
          (positions.get(a.roomId) ?? 0) - (positions.get(b.roomId) ?? 0) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id),
      );
  }

  /** The lamp whose MAC this is. */
  byMac(mac: string): LampView | undefined {
    const lamp = this.records.byMac(mac);
    return lamp && this.connections.view(lamp);
  }

  /** Registers a lamp under a name no lamp has; its secret is in the answer and nowhere else. */
  register(name: string, roomId: string | null): { lamp: LampView; secret: string } {
    this.#checkName(name, null);
    const room = roomId === null ? DEFAULT_ROOM_ID : this.rooms.require(roomId).id;
    const { secret, secretHash } = this.credentials.newOwnSecret();
    const now = this.clock.now();
    const lamp = this.records.save({
      id: newLampId(),
      name,
      roomId: room,
      identity: 'OWN_SECRET',
      secretHash,
      mac: null,
      firmwareVersion: null,
      lastAddress: null,
      createdAt: now,
      lastSeenAt: null,
      statusSince: now,
      revokedAt: null,
    });
    const view = this.connections.view(lamp);
    this.connections.added(lamp);
    return { lamp: view, secret };
  }

  rename(id: string, name: string): LampView {
    const lamp = this.require(id);
    this.#checkName(name, id);
    if (lamp.name === name) return this.connections.view(lamp);
    return this.connections.changed(this.records.save({ ...lamp, name }));
  }

  /** Files the lamp under another room; online, it gets that room's packet at once. */
  move(id: string, roomId: string): LampView {
    const lamp = this.require(id);
    this.rooms.require(roomId);
    if (lamp.roomId === roomId) return this.connections.view(lamp);
    const moved = this.records.save({ ...lamp, roomId });
    const connection = this.connections.ofLamp(id);
    if (connection) this.dispatch.move([connection.id], roomId);
    this.rooms.lampsChanged();
    return this.connections.changed(moved);
  }

  /**
   * Revokes a lamp: it is closed (4403) and refused from now on, whichever way it is recognised.
   * Answers it as it is after that: offline.
   */
  revoke(id: string): LampView {
    const lamp = this.require(id);
    if (lamp.revokedAt) return this.connections.view(lamp);
    const revoked = this.records.save({ ...lamp, revokedAt: this.clock.now() });
    this.connections.close(id, LampCloseCode.Revoked, 'secret revoked');
    return this.connections.changed(this.records.find(id) ?? revoked);
  }

  /**
   * Deletes a lamp's record, its debug lines and its own secret. Online, it is closed: a lamp on
   * the shared secret with 1012, so that it comes back as a new lamp; one with its own secret
   * with 4403 (that secret no longer lets anything in). Answers the lamp as it was, offline.
   */
  forget(id: string): LampView {
    this.require(id);
    const code = this.records.find(id)!.secretHash ? LampCloseCode.Revoked : LampCloseCode.Forgotten;
    this.connections.close(id, code, 'lamp forgotten');
    const lamp = this.records.find(id)!;
    this.records.forget(id);
    this.connections.forgotten(lamp);
    return { ...lamp, online: false, connection: null };
  }

  /** The shared device secret in force, and where it came from. */
  get sharedSecret(): DeviceSecret {
    return this.credentials.sharedSecret;
  }

  /**
   * Replaces the shared secret; lamps connected with it are closed (4403) and refused until
   * their firmware has the new one. Throws `SecretSetByEnvironment` while CC_DEVICE_SECRET sets it.
   */
  rotateSharedSecret(): DeviceSecret {
    const rotated = this.credentials.rotateSharedSecret();
    const onShared = this.records.all().filter((lamp) => lamp.secretHash === null && this.connections.ofLamp(lamp.id));
    for (const lamp of onShared) this.connections.close(lamp.id, LampCloseCode.Revoked, 'device secret rotated');
    this.logger.info({ disconnected: onShared.length }, 'device secret rotated');
    return rotated;
  }

  /** Up to `last` of a lamp's debug lines older than the line `beforeId` (null: the newest), oldest first. */
  debugMessages(lampId: string, last: number, beforeId: number | null): StoredDebugMessage[] {
    return this.records.debugMessages(lampId, last, beforeId);
  }

  /** The newest `last` debug lines of each of these lamps, oldest first. */
  recentDebugMessagesOf(lampIds: readonly string[], last: number): Map<string, StoredDebugMessage[]> {
    return this.records.recentDebugMessagesOf(lampIds, last);
  }

  /**
   * Links an update check to its lamp: the lamp with this MAC; else, when exactly one online
   * lamp with no MAC is at the check's address, that lamp (which gets the MAC). Returns the lamp.
   */
  linkUpdateCheck(mac: string, address: string, version: string | null): LampView | undefined {
    const known = this.records.byMac(mac);
    if (known) {
      if (version === null || known.firmwareVersion === version) return this.connections.view(known);
      return this.connections.changed(this.records.save({ ...known, firmwareVersion: version }));
    }
    const atAddress = this.connections
      .list()
      .filter((connection) => connection.remoteAddress === address)
      .flatMap((connection) => this.records.find(connection.lampId) ?? [])
      .filter((lamp) => lamp.mac === null);
    if (atAddress.length !== 1) return undefined;
    const lamp = atAddress[0]!;
    return this.connections.changed(this.records.save({ ...lamp, mac, firmwareVersion: version ?? lamp.firmwareVersion }));
  }

  #checkName(name: string, exceptId: string | null): void {
    if (this.records.nameTaken(name, exceptId)) throw new InvalidInput('name', `a lamp named ${JSON.stringify(name)} exists already`);
  }
}
