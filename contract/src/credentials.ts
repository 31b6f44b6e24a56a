/** The shortest admin password accepted: by the API, by CC_ADMIN_PASSWORD, and in the web UI's form. */
export const MIN_ADMIN_PASSWORD_LENGTH = 8;
