/** Simplified Chinese for the build line (#16), merged into ./zh-Hans.ts. */
export const buildTemplates: Record<string, string> = {
  'build.label': '版本',
}
