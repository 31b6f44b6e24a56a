/** The cookie a login session's token travels in (HttpOnly, SameSite=Strict). */
export const SESSION_COOKIE = 'cc_session';
