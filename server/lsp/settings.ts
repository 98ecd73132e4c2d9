import {
  BACKEND_PROFILE,
  DEFAULT_TARGET,
  type HoverOptions,
  type NumberFormat,
  type TargetProfile,
  findProfile,
  findTarget,
} from '../../shared';
import { resolve } from 'node:path';
import type { FoundConfig } from '../sources';

/** The `valeFfi.*` settings, as package.json declares them. */
export interface Settings {
  target: TargetProfile;
  projectName: string;
  itableProfile: 'midas' | 'natural';
  binary: string;
  /** `valeFfi.buildDir` (or the configuration's buildDirectory): a Vale build's output directory. */
  buildDir: string;
  /** The build directory was named by the user (a missing one is reported), not only defaulted. */
  buildDirExplicit: boolean;
  /** `valeFfi.modules`: module name → directory relative to the workspace folder. */
  modules: Readonly<Record<string, string>>;
  hover: HoverOptions;
  /** `valeFfi.inlayHints.kinds` / `.parameters`: the C layout after exported kinds, C types after FFI parameters. */
  inlayHints: { kinds: boolean; parameters: boolean };
  /** `valeFfi.jobs`: threads that read the workspace's files at start-up (0: as `vale-ffi check` decides, `autoJobs`). */
  jobs: number;
}

export const DEFAULT_SETTINGS: Settings = {
  target: DEFAULT_TARGET,
  projectName: 'vale',
  itableProfile: 'midas',
  binary: '',
  buildDir: '',
  buildDirExplicit: false,
  modules: {},
  hover: { layout: true, functions: true, references: true, numbers: 'decimal', profile: BACKEND_PROFILE },
  inlayHints: { kinds: true, parameters: true },
  jobs: 0,
};

/** Reads whatever the client sends; anything missing or malformed keeps its default. */
export function readSettings(raw: unknown): Settings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const hover = (r.hover && typeof r.hover === 'object' ? r.hover : {}) as Record<string, unknown>;
  const inlay = (r.inlayHints && typeof r.inlayHints === 'object' ? r.inlayHints : {}) as Record<string, unknown>;
  const bool = (v: unknown, d: boolean): boolean => (typeof v === 'boolean' ? v : d);
  const numbers = ['decimal', 'hex', 'both'].includes(hover.numberFormat as string) ? (hover.numberFormat as NumberFormat) : 'decimal';
  const project =
    typeof r.projectName === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(r.projectName) ? r.projectName : DEFAULT_SETTINGS.projectName;
  return {
    target: (typeof r.target === 'string' && findTarget(r.target)) || DEFAULT_TARGET,
    projectName: project,
    itableProfile: r.itableProfile === 'natural' ? 'natural' : 'midas',
    binary: typeof r.binary === 'string' ? r.binary : '',
    buildDir: typeof r.buildDir === 'string' ? r.buildDir : '',
    buildDirExplicit: typeof r.buildDir === 'string' && r.buildDir !== '',
    modules: readModules(r.modules),
    inlayHints: { kinds: bool(inlay.kinds, true), parameters: bool(inlay.parameters, true) },
    jobs: Number.isSafeInteger(r.jobs) && (r.jobs as number) >= 0 && (r.jobs as number) <= 256 ? (r.jobs as number) : 0,
    hover: {
      layout: bool(hover.layout, true),
      functions: bool(hover.functions, true),
      references: bool(hover.references, true),
      numbers,
      profile: (typeof hover.profile === 'string' && findProfile(hover.profile)) || BACKEND_PROFILE,
    },
  };
}

/** The project's configuration file wins over the editor's settings for what it sets (CI reads the same file). */
export function withConfig(settings: Settings, found: FoundConfig | undefined): Settings {
  const c = found?.config;
  if (!c) return settings;
  return {
    ...settings,
    projectName: c.project ?? settings.projectName,
    target: (c.target !== undefined && findTarget(c.target)) || settings.target,
    itableProfile: c.itableProfile ?? settings.itableProfile,
    binary: c.binary !== undefined ? resolve(found.dir, c.binary) : settings.binary,
    // The configuration's build directory is read when a build is there (it may not have run yet).
    ...(c.buildDirectory !== undefined ? { buildDir: resolve(found.dir, c.buildDirectory), buildDirExplicit: false } : {}),
  };
}

/** `{"name": "dir"}` with identifier names and non-empty directories; anything else is left out. */
function readModules(raw: unknown): Record<string, string> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const out: Record<string, string> = {};
  for (const [name, dir] of Object.entries(raw))
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && typeof dir === 'string' && dir) out[name] = dir;
  return out;
}
