/** The dev stack for e2e tests; see scripts/lib/stack.ts. Always call `stop()` in an `after` hook. */
export { startStack, type Stack, type StackOptions } from '../../scripts/lib/stack.ts'
