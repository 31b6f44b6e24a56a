import type { LampReport } from '@cloud-cloud/contract/lamp-identity';
import type { RoomDisplays } from '../rooms/room-displays.js';
import type { LampRecords } from './lamp-records.js';
import { ConnectionIdTaken, type LampConnections } from './lamp-connections.js';
import type { LampRecognition } from './lamp-identity.js';

export { ConnectionIdTaken };

export type Admission =
  | { accepted: true; reason: null; lamp: { id: string; name: string; roomId: string }; frame: string }
  | { accepted: false; reason: string; lamp: null; frame: null };

export interface LampPlacement {
  connectionId: string;
  roomId: string;
}

/**
 * Lets lamps in on their adapters' word: a connection whose handshake secret is right is
 * recognised as a lamp (see LampRecognition) and recorded as that lamp's connection on the
 * adapter that reported it, which is told the lamp's room and the room's frame.
 */
export class LampAdmission {
  constructor(
    private readonly recognition: LampRecognition,
    private readonly records: LampRecords,
    private readonly connections: LampConnections,
    private readonly displays: RoomDisplays,
  ) {}

  /** Throws ConnectionIdTaken when another adapter holds the connection id. */
  admit(adapterId: string, report: LampReport): Admission {
    this.connections.checkAvailable(adapterId, report.connectionId);
    const recognised = this.recognition.recognise(report);
    if (!recognised.accepted) return { accepted: false, reason: recognised.reason, lamp: null, frame: null };
    if (recognised.moveMacFrom) {
      this.records.save({ ...recognised.moveMacFrom, mac: null });
      this.connections.changed(recognised.moveMacFrom);
    }
    const lamp = this.connections.connect(
      adapterId,
      {
        id: report.connectionId,
        remoteAddress: report.remoteAddress,
        connectedAt: report.connectedAt,
        lastSeenAt: report.lastSeenAt,
      },
      recognised.lamp,
      recognised.added,
    );
    return {
      accepted: true,
      reason: null,
      lamp: { id: lamp.id, name: lamp.name, roomId: lamp.roomId },
      frame: this.displays.frame(lamp.roomId),
    };
  }

  /**
   * Admits lamps whose handshakes arrived together: each answered as `admit` would, except that
   * a connection id another adapter holds is refused rather than thrown, and every new or changed
   * record is written in one transaction.
   */
  admitAll(adapterId: string, reports: readonly LampReport[]): Admission[] {
    const admitted: string[] = [];
    try {
      return this.records.together(() =>
        reports.map((report) => {
          try {
            const admission = this.admit(adapterId, report);
            if (admission.accepted) admitted.push(report.connectionId);
            return admission;
          } catch (error) {
            if (error instanceof ConnectionIdTaken) return { accepted: false, reason: error.message, lamp: null, frame: null };
            throw error;
          }
        }),
      );
    } catch (error) {
      // The adapter turns every lamp of a failed request away: none of them may stay online here.
      for (const connectionId of admitted) {
        try {
          this.connections.disconnect(adapterId, connectionId, 'admission failed');
        } catch {
          // Its record stays marked unsaved and is stored later (see LampRecords.together).
        }
      }
      throw error;
    }
  }

  /**
   * Takes an adapter's full list of connections after its link (re)opens: connections it no
   * longer lists are gone. Returns the ids it must close (secrets that no longer let them in, ids
   * another adapter holds) and the room of every connection kept.
   */
  sync(adapterId: string, reports: readonly LampReport[]): { refused: string[]; placements: LampPlacement[] } {
    return this.records.together(() => this.#sync(adapterId, reports));
  }

  #sync(adapterId: string, reports: readonly LampReport[]): { refused: string[]; placements: LampPlacement[] } {
    const reported = new Set(reports.map((report) => report.connectionId));
    for (const gone of this.connections.notReported(adapterId, reported)) {
      this.connections.disconnect(adapterId, gone.id, 'no longer reported by its adapter');
    }
    const refused: string[] = [];
    const placements: LampPlacement[] = [];
    for (const report of reports) {
      const known = this.connections.get(report.connectionId);
      if (known && known.adapterId !== adapterId) {
        refused.push(report.connectionId);
        continue;
      }
      if (known) {
        this.connections.seen(adapterId, known.id, report.lastSeenAt);
        const lamp = this.records.find(known.lampId);
        if (lamp) placements.push({ connectionId: known.id, roomId: lamp.roomId });
        continue;
      }
      const admission = this.admit(adapterId, report);
      if (admission.accepted) placements.push({ connectionId: report.connectionId, roomId: admission.lamp.roomId });
      else refused.push(report.connectionId);
    }
    return { refused, placements };
  }
}
