/** The cookie that holds the signed-in API token: httpOnly, so page scripts never see it. */
export const tokenCookie = 'lockstep_token';
