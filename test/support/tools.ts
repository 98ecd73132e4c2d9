// A suite that drives a system tool asks here first. Missing tool: the test is skipped (the
// runner counts it) with the reason and the install line; with CI=true it fails instead, so
// CI never skips silently. The tools and their install lines live in scripts/system-tools.ts.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { GROUPS, type Group, installLine, missingTools } from '../../scripts/system-tools';

const known = new Map<Group, string | undefined>();

/** Why the group cannot run here (undefined when it can); probed once per process. */
export function missingReason(group: Group): string | undefined {
  if (!known.has(group)) {
    const missing = missingTools([group]);
    known.set(
      group,
      missing.length === 0
        ? undefined
        : `${GROUPS[group]} needs ${missing.map((t) => t.debian).join(', ')}, not installed here. Install: ${installLine(missing)} (or run tsx scripts/system-tools.ts as root)`,
    );
  }
  return known.get(group);
}

/** True when the group's tools are here; otherwise skips `t` (or fails it under CI=true). */
export function haveTools(t: TestContext, group: Group): boolean {
  const reason = missingReason(group);
  if (reason === undefined) return true;
  if (process.env.CI === 'true') assert.fail(`CI=true and ${reason}`);
  t.skip(`SKIPPED: ${reason}`);
  console.log(`# SKIPPED: ${reason}`);
  return false;
}
