/*
 * Names adapters give themselves and their lamp connections. The adapter makes them and the API
 * checks them, so both read the rules from here.
 */

/** The `adapterId` an adapter sends in its connectionParams: a name for logs. */
export const ADAPTER_ID = /^[A-Za-z0-9._:-]{1,100}$/;
export const ADAPTER_ID_RULE = 'adapterId must be 1-100 letters, digits or . _ : -';

/** A lamp connection's id, as its adapter names it: `<adapterId>.<number>`. */
export const LAMP_ID = /^[A-Za-z0-9._:-]{1,100}$/;
export const LAMP_ID_RULE = 'must be 1-100 letters, digits or . _ : -';

/**
 * The secret an adapter makes for itself and sends on every link it opens (`adapterKey`), so
 * the API knows a link that comes back after a drop as the same adapter.
 */
export const ADAPTER_KEY = /^[A-Za-z0-9_-]{22,128}$/;
export const ADAPTER_KEY_RULE = 'adapterKey must be 22 to 128 letters, digits, - or _';
