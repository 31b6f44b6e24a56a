import type { LampFirmwareInfo } from './operations';

/** A lamp's firmware update state, in words. */
export const UPDATE_STATES: Record<LampFirmwareInfo['state'], string> = {
  UP_TO_DATE: 'Up to date',
  UPDATE_SENT: 'Update sent, waiting for it to come back',
  UPDATED: 'Updated',
  UPDATE_FAILED: 'Update failed',
  REFUSED: 'Not updated',
  NOTHING_ASSIGNED: 'No firmware assigned',
};
