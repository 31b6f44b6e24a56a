import type { Device, DeviceRegistry, LampSession } from './device-registry.js';
import type { LampCredentials, LampIdentity } from './lamp-credentials.js';

/** A lamp connection as its adapter reports it, with the secret the lamp sent in its handshake. */
export interface LampReport {
  id: string;
  secret: string;
  remoteAddress: string;
  connectedAt: Date;
  lastSeenAt: Date;
}

export type Admission = { accepted: true; reason: null; device: Device } | { accepted: false; reason: string; device: null };

/**
 * Lets lamps in on their adapters' word: a lamp whose handshake secret is right is recorded as
 * connected on the adapter that reported it. Throws `DeviceIdTaken` when another adapter holds the id.
 */
export class LampAdmission {
  constructor(
    private readonly credentials: LampCredentials,
    private readonly devices: DeviceRegistry,
  ) {}

  admit(adapterId: string, report: LampReport): Admission {
    const identity = this.credentials.identify(report.secret);
    if (!identity) return { accepted: false, reason: 'invalid secret', device: null };
    return { accepted: true, reason: null, device: this.devices.connect(adapterId, sessionOf(report, identity)) };
  }

  /**
   * Takes an adapter's full list of lamps after its link (re)opens: lamps it no longer lists are
   * gone. Returns the ids it must close: lamps whose secret no longer lets them in, and ids
   * another adapter holds.
   */
  sync(adapterId: string, reports: readonly LampReport[]): string[] {
    const refused: string[] = [];
    const admitted: LampSession[] = [];
    for (const report of reports) {
      const identity = this.credentials.identify(report.secret);
      if (identity) admitted.push(sessionOf(report, identity));
      else refused.push(report.id);
    }
    return [...refused, ...this.devices.sync(adapterId, admitted).taken];
  }
}

/** The connection a report describes, as the lamp its secret names. */
export function sessionOf(report: LampReport, identity: LampIdentity): LampSession {
  return {
    id: report.id,
    lampId: identity.lampId,
    name: identity.name,
    remoteAddress: report.remoteAddress,
    connectedAt: report.connectedAt,
    lastSeenAt: report.lastSeenAt,
  };
}
