import { type KindDecl, nameRangeOf } from '../model/declarations';
import type { ProgramIndex } from '../model/program';
import type { TypeRef } from '../model/types';
import { typeRefsOf } from './navigation';

/** The token types and modifiers, in legend order (the server's legend is built from these). */
export const SEMANTIC_TYPES = ['struct', 'interface', 'function', 'property'] as const;
export const SEMANTIC_MODIFIERS = ['declaration', 'exported', 'extern', 'immutable'] as const;

export type SemanticType = (typeof SEMANTIC_TYPES)[number];
export type SemanticModifier = (typeof SEMANTIC_MODIFIERS)[number];

export interface SemanticToken {
  readonly start: number;
  readonly end: number;
  readonly type: SemanticType;
  readonly modifiers: readonly SemanticModifier[];
}

function kindModifiers(decl: KindDecl): SemanticModifier[] {
  const out: SemanticModifier[] = [];
  if (decl.exported) out.push('exported');
  if (decl.mutability === 'imm') out.push('immutable');
  return out;
}

/**
 * The semantic tokens of a Vale file, in offset order: kinds (declared and referenced, with
 * `exported` and `immutable`), members, and functions (with `extern` and `exported`), so a theme
 * can show what crosses the boundary.
 */
export function semanticTokens(index: ProgramIndex, file: string): SemanticToken[] {
  const model = index.model(file);
  if (!model) return [];
  const out: SemanticToken[] = [];
  for (const k of model.kinds) {
    out.push({ ...nameRangeOf(k), type: k.tag, modifiers: ['declaration', ...kindModifiers(k)] });
    for (const m of k.members)
      out.push({
        ...nameRangeOf(m),
        type: 'property',
        modifiers: ['declaration', ...(k.mutability === 'imm' ? (['immutable'] as const) : [])],
      });
  }
  for (const f of model.functions) {
    const modifiers: SemanticModifier[] = ['declaration'];
    if (f.exported) modifiers.push('exported');
    if (f.extern && !f.builtin) modifiers.push('extern');
    out.push({ ...nameRangeOf(f), type: 'function', modifiers });
  }
  const visit = (t: TypeRef): void => {
    if (t.tag === 'array') visit(t.element);
    else if (t.tag === 'tuple') t.elements.forEach(visit);
    if (t.tag !== 'named') return;
    const r = index.resolve(file, t);
    if (r.tag === 'declared') {
      const start = t.start + t.text.indexOf(t.name);
      out.push({ start, end: start + t.name.length, type: r.decl.tag, modifiers: kindModifiers(r.decl) });
    }
    t.args.forEach(visit);
  };
  for (const t of typeRefsOf(model)) visit(t);
  return out.sort((a, b) => a.start - b.start);
}
