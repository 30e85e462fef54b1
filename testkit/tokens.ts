// The tokens every test control plane and region is started with.
export const ADMIN = "test-admin-token";
export const REGION = "test-region-token";
