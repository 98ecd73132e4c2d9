export * from './syntax';
export * from './diagnostics';
export * from './model';
export * from './checks';
export { Workspace } from './workspace';
export type { WorkspaceStats } from './workspace';
export * from './layout';
