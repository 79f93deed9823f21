/** Where the SCIM API is served; the exception filter and the request auditor key on it. */
export const SCIM_BASE_PATH = '/scim/v2';
