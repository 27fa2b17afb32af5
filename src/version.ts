/** The app's version, as in package.json (test/unit/settings.test.ts checks they agree). */
export const APP_VERSION = '0.1.0'
