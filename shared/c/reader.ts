/**
 * What a C or C++ file says that matters at the Vale boundary, read from a real C syntax tree
 * (tree-sitter's C grammar, parsed by a shell: the core sees only this structural view of its
 * nodes, so it stays free of I/O and of the wasm runtime). The summary keeps positions (UTF-16
 * offsets, as web-tree-sitter reports them) and no tree, so a shell can free the tree at once.
 */

/** The file extensions read as C (C++ files too, with the C grammar: what it cannot parse is left out). */
export const C_EXTENSIONS = ['.c', '.h', '.cc', '.cpp', '.hpp', '.hh', '.cxx'];

export function isCPath(path: string): boolean {
  const dot = path.lastIndexOf('.');
  return dot >= 0 && C_EXTENSIONS.includes(path.slice(dot).toLowerCase());
}

/** The part of a tree-sitter node the reader uses (web-tree-sitter's SyntaxNode has it). */
export interface CSyntaxNode {
  readonly type: string;
  readonly text: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly namedChildren: readonly CSyntaxNode[];
  childForFieldName(name: string): CSyntaxNode | null;
}

export interface CRange {
  readonly start: number;
  readonly end: number;
}

export interface CParam {
  /** The type as written, declarator pointers included (`const vtest_Ship *`). */
  readonly type: string;
  readonly name?: string;
  readonly range: CRange;
}

export interface CFunction {
  readonly name: string;
  readonly nameRange: CRange;
  readonly definition: boolean;
  readonly returnType: string;
  readonly params: readonly CParam[];
  readonly variadic: boolean;
  /** From the return type to the closing parenthesis: what a fix of the signature replaces. */
  readonly signatureRange: CRange;
}

export interface CFieldUse {
  readonly field: string;
  readonly range: CRange;
  /** The declared type of the accessed variable, when it is a parameter or a local (`vtest_Ship *`). */
  readonly baseType?: string;
  readonly arrow: boolean;
}

export interface CSwitch {
  readonly range: CRange;
  /** The `case` labels that are identifiers. */
  readonly cases: readonly { readonly name: string; readonly range: CRange }[];
  readonly hasDefault: boolean;
  /** The switched expression, e.g. `ship.type`. */
  readonly subject: string;
}

export interface CCall {
  readonly name: string;
  readonly range: CRange;
  readonly argCount: number;
}

/** A use of a name that may be a generated one (`vtest_Ship`, `vtest_IShip_Type_Kite`). */
export interface CNameUse {
  readonly name: string;
  readonly range: CRange;
}

export interface CFileSummary {
  readonly functions: readonly CFunction[];
  readonly typedefs: ReadonlyMap<string, string>;
  readonly fields: readonly CFieldUse[];
  readonly switches: readonly CSwitch[];
  readonly calls: readonly CCall[];
  readonly includes: readonly { readonly path: string; readonly range: CRange }[];
  readonly names: readonly CNameUse[];
}

const range = (n: CSyntaxNode): CRange => ({ start: n.startIndex, end: n.endIndex });

/** The same node (web-tree-sitter hands out a new wrapper object on every access). */
const same = (a: CSyntaxNode | null, b: CSyntaxNode | null): boolean =>
  !!a && !!b && a.startIndex === b.startIndex && a.endIndex === b.endIndex && a.type === b.type;

/** The identifier a declarator declares, and the pointer/array suffix it adds to the type. */
function declared(d: CSyntaxNode | null): { name?: CSyntaxNode; suffix: string; fn?: CSyntaxNode } {
  let suffix = '';
  let node = d;
  let fn: CSyntaxNode | undefined;
  while (node) {
    switch (node.type) {
      case 'identifier':
      case 'field_identifier':
      case 'type_identifier':
        return { name: node, suffix, fn };
      case 'pointer_declarator':
        suffix += '*';
        node = node.childForFieldName('declarator');
        break;
      case 'array_declarator':
        suffix += '*';
        node = node.childForFieldName('declarator');
        break;
      case 'function_declarator':
        fn ??= node;
        node = node.childForFieldName('declarator');
        break;
      case 'init_declarator':
      case 'parenthesized_declarator':
      case 'attributed_declarator':
        node = node.childForFieldName('declarator') ?? node.namedChildren[0] ?? null;
        break;
      default:
        return { suffix, fn };
    }
  }
  return { suffix, fn };
}

/** A declaration's type: qualifiers and the type specifier, as written. */
function baseTypeOf(decl: CSyntaxNode): string {
  const parts: string[] = [];
  const type = decl.childForFieldName('type');
  for (const c of decl.namedChildren) {
    if (c.type === 'type_qualifier') parts.push(c.text);
    else if (same(c, type)) parts.push(c.text);
  }
  return parts.join(' ');
}

/** Reads a C file's syntax tree. Never throws on odd trees: what it cannot read it leaves out. */
export function readCFile(root: CSyntaxNode): CFileSummary {
  const functions: CFunction[] = [];
  const typedefs = new Map<string, string>();
  const fields: CFieldUse[] = [];
  const switches: CSwitch[] = [];
  const calls: CCall[] = [];
  const includes: { path: string; range: CRange }[] = [];
  const names: CNameUse[] = [];
  const globals = new Map<string, string>();

  const paramsOf = (fn: CSyntaxNode): { params: CParam[]; variadic: boolean } => {
    const list = fn.childForFieldName('parameters');
    const params: CParam[] = [];
    let variadic = false;
    for (const p of list?.namedChildren ?? []) {
      if (p.type === 'variadic_parameter') variadic = true;
      if (p.type !== 'parameter_declaration') continue;
      const d = declared(p.childForFieldName('declarator'));
      params.push({ type: `${baseTypeOf(p)}${d.suffix}`, name: d.name?.text, range: range(p) });
    }
    // `f(void)` takes nothing.
    if (params.length === 1 && !params[0].name && params[0].type.trim() === 'void') params.length = 0;
    return { params, variadic };
  };

  const addFunction = (decl: CSyntaxNode, declarator: CSyntaxNode | null, definition: boolean): void => {
    const d = declared(declarator);
    if (!d.fn || !d.name) return;
    const fnDecl = d.fn;
    // The suffix counts pointers outside the function declarator: those belong to the return type.
    const { params, variadic } = paramsOf(fnDecl);
    const returnType = `${baseTypeOf(decl)}${d.suffix}`;
    const typeNode = decl.childForFieldName('type');
    functions.push({
      name: d.name.text,
      nameRange: range(d.name),
      definition,
      returnType,
      params,
      variadic,
      signatureRange: { start: typeNode?.startIndex ?? decl.startIndex, end: fnDecl.endIndex },
    });
  };

  /** Walks a function body (or any node) with the variables in scope, by name → declared type. */
  const walk = (node: CSyntaxNode, scope: Map<string, string>): void => {
    switch (node.type) {
      case 'declaration': {
        const base = baseTypeOf(node);
        const type = node.childForFieldName('type');
        for (const c of node.namedChildren) {
          if (same(c, type) || c.type === 'type_qualifier' || c.type === 'storage_class_specifier') continue;
          const d = declared(c);
          if (d.name && !d.fn) scope.set(d.name.text, `${base}${d.suffix}`);
          if (c.type === 'init_declarator') {
            const value = c.childForFieldName('value');
            if (value) walk(value, scope);
          }
        }
        const t = node.childForFieldName('type');
        if (t) walk(t, scope);
        return;
      }
      case 'field_expression': {
        const arg = node.childForFieldName('argument');
        const field = node.childForFieldName('field');
        if (arg && field) {
          const arrow = node.text
            .slice(arg.endIndex - node.startIndex)
            .trimStart()
            .startsWith('->');
          fields.push({
            field: field.text,
            range: range(field),
            baseType: arg.type === 'identifier' ? (scope.get(arg.text) ?? globals.get(arg.text)) : undefined,
            arrow,
          });
          walk(arg, scope);
        }
        return;
      }
      case 'switch_statement': {
        const body = node.childForFieldName('body');
        const cases: { name: string; range: CRange }[] = [];
        let hasDefault = false;
        for (const c of body?.namedChildren ?? []) {
          if (c.type !== 'case_statement') continue;
          const value = c.childForFieldName('value');
          if (!value) hasDefault = true;
          else if (value.type === 'identifier') cases.push({ name: value.text, range: range(value) });
        }
        const cond = node.childForFieldName('condition');
        switches.push({
          range: { start: node.startIndex, end: cond?.endIndex ?? node.endIndex },
          cases,
          hasDefault,
          subject: (cond?.text ?? '').replace(/^\(|\)$/g, '').trim(),
        });
        break;
      }
      case 'call_expression': {
        const fn = node.childForFieldName('function');
        const args = node.childForFieldName('arguments');
        if (fn?.type === 'identifier')
          calls.push({ name: fn.text, range: range(fn), argCount: args?.namedChildren.filter((a) => a.type !== 'comment').length ?? 0 });
        break;
      }
      case 'identifier':
      case 'type_identifier':
        if (node.text.includes('_')) names.push({ name: node.text, range: range(node) });
        return;
      case 'compound_statement': {
        const inner = new Map(scope);
        for (const c of node.namedChildren) walk(c, inner);
        return;
      }
    }
    for (const c of node.namedChildren) walk(c, scope);
  };

  for (const item of root.namedChildren) {
    switch (item.type) {
      case 'preproc_include': {
        const path = item.childForFieldName('path');
        if (path?.type === 'string_literal') includes.push({ path: path.text.slice(1, -1), range: range(path) });
        break;
      }
      case 'type_definition': {
        const t = item.childForFieldName('type');
        for (const c of item.namedChildren) {
          if (same(c, t) || c.type === 'type_qualifier') continue;
          const d = declared(c);
          if (d.name && t) typedefs.set(d.name.text, `${t.text}${d.suffix}`);
        }
        if (t) walk(t, new Map());
        break;
      }
      case 'function_definition': {
        addFunction(item, item.childForFieldName('declarator'), true);
        const scope = new Map<string, string>();
        const d = declared(item.childForFieldName('declarator'));
        if (d.fn) for (const p of paramsOf(d.fn).params) if (p.name) scope.set(p.name, p.type);
        const t = item.childForFieldName('type');
        if (t) walk(t, scope);
        if (d.fn) walk(d.fn, scope);
        const body = item.childForFieldName('body');
        if (body) walk(body, scope);
        break;
      }
      case 'declaration': {
        let isFunction = false;
        for (const c of item.namedChildren) {
          const d = declared(c);
          if (d.fn) {
            addFunction(item, c, false);
            isFunction = true;
          }
        }
        if (!isFunction) walk(item, globals);
        else {
          const t = item.childForFieldName('type');
          if (t) walk(t, new Map());
        }
        break;
      }
      default:
        walk(item, globals);
    }
  }
  return { functions, typedefs, fields, switches, calls, includes, names };
}
