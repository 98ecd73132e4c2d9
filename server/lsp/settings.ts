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
  /** `valeFfi.modules`: module name → directory relative to the workspace folder. */
  modules: Readonly<Record<string, string>>;
  hover: HoverOptions;
}

export const DEFAULT_SETTINGS: Settings = {
  target: DEFAULT_TARGET,
  projectName: 'vale',
  itableProfile: 'midas',
  binary: '',
  modules: {},
  hover: { layout: true, functions: true, references: true, numbers: 'decimal', profile: BACKEND_PROFILE },
};

/** Reads whatever the client sends; anything missing or malformed keeps its default. */
export function readSettings(raw: unknown): Settings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const hover = (r.hover && typeof r.hover === 'object' ? r.hover : {}) as Record<string, unknown>;
  const bool = (v: unknown, d: boolean): boolean => (typeof v === 'boolean' ? v : d);
  const numbers = ['decimal', 'hex', 'both'].includes(hover.numberFormat as string) ? (hover.numberFormat as NumberFormat) : 'decimal';
  const project =
    typeof r.projectName === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(r.projectName) ? r.projectName : DEFAULT_SETTINGS.projectName;
  return {
    target: (typeof r.target === 'string' && findTarget(r.target)) || DEFAULT_TARGET,
    projectName: project,
    itableProfile: r.itableProfile === 'natural' ? 'natural' : 'midas',
    binary: typeof r.binary === 'string' ? r.binary : '',
    modules: readModules(r.modules),
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
