export * from './syntax';
export * from './diagnostics';
export { Workspace } from './workspace';
