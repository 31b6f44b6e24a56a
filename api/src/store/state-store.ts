import type { DisplayState } from '../display/display-state.js';

/**
 * Where the API keeps what must outlive a single request. Calls are synchronous on purpose:
 * a change is stored before the mutation that made it answers.
 */
export interface StateStore {
  loadDisplayState(): DisplayState | undefined;
  saveDisplayState(state: DisplayState): void;
  loadDebugEnabled(): boolean;
  saveDebugEnabled(enabled: boolean): void;
  close(): void;
}
