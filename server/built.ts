// Reads the headers a real Vale build wrote (`<output_dir>/include/<project>/*.h`) for the
// core's BuiltHeaders: the CLI (`--build DIR`, or the configuration's buildDirectory) and the
// server (`valeFfi.buildDir`) both come through here.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BuiltHeaders } from '../shared';
import { READ_LIMITS, ReadError, readRegularFile } from './read';

export class BuildError extends Error {}

/** The project directories under `<dir>/include` (every directory but none of the loose headers). */
function projectsIn(include: string): string[] {
  try {
    return readdirSync(include, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

/**
 * The built headers of `project` under `dir` (`shown` is how messages name `dir`). Without a
 * project name, or with one only guessed, the only project directory there is taken. `required`: a missing directory is
 * an error (an explicit `--build`), otherwise there is simply no build yet (undefined).
 */
export function readBuiltHeaders(
  dir: string,
  shown: string,
  project: { name?: string; explicit: boolean },
  required: boolean,
): BuiltHeaders | undefined {
  const include = join(dir, 'include');
  if (!existsSync(include) || !statSync(include).isDirectory()) {
    if (!required) return undefined;
    throw new BuildError(`no ${shown}/include directory: a Vale build writes its headers there (valec build --output_dir ${shown})`);
  }
  const projects = projectsIn(include);
  let name = project.name;
  if (name === undefined || !projects.includes(name)) {
    // A project name only guessed (from the first module) gives way to the one project built.
    if ((name === undefined || !project.explicit) && projects.length === 1) name = projects[0];
    else if (!required) return undefined;
    else if (name === undefined)
      throw new BuildError(
        `${shown}/include holds ${projects.length === 0 ? 'no project directory' : `the projects ${projects.join(', ')}`}: name one with --project or the configuration's project`,
      );
    else throw new BuildError(`no ${shown}/include/${name} directory${projects.length ? ` (there: ${projects.join(', ')})` : ''}`);
  }
  const headers = new Map<string, string>();
  const from = join(include, name);
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.h')) continue;
    try {
      headers.set(entry.name.slice(0, -2), readRegularFile(join(from, entry.name), READ_LIMITS.source).toString('utf8'));
    } catch (e) {
      if (!(e instanceof ReadError)) throw e;
      throw new BuildError(`cannot read ${shown}/include/${name}/${entry.name}: ${e.message}`);
    }
  }
  return { project: name, directory: `${shown}/include/${name}`, headers };
}
