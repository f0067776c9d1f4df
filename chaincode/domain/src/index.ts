export const DOMAIN_VERSION = '0.1.0';
