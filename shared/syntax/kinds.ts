/** Every token and node kind of the Vale concrete syntax tree. */
export enum SyntaxKind {
  // ---- trivia ----
  Whitespace,
  LineComment, // `// ...` up to (not including) the newline
  ChevronComment, // `« ... »`
  EllipsisComment, // `...`, which Vale's lexer skips like a comment

  // ---- tokens ----
  Ident,
  Int, // 12, -3, 7i64
  Float, // 1.5
  StringStart, // `"` or `"""`
  StringText,
  StringEnd,
  InterpStart, // `{` (or `{\` + newline) inside a string
  InterpEnd, // `}` closing an interpolation
  LParen,
  RParen,
  LBrace,
  RBrace,
  LBracket,
  RBracket,
  Lt,
  Gt,
  Comma,
  Semi,
  Colon,
  Dot,
  DotDot,
  Eq, // =
  EqEq, // ==
  EqEqEq, // ===
  NotEq, // !=
  LtEq, // <=
  GtEq, // >=
  Spaceship, // <=>
  Arrow, // =>
  Plus,
  Minus,
  Star,
  Slash,
  Bang,
  Amp,
  Caret,
  Hash,
  At,
  Quote, // ' (regions)
  Question,
  Pipe,
  Percent,
  Dollar,
  Tilde,
  Backtick,
  Backslash,
  Unknown, // any character the language has no use for (binary garbage included)
  EOF,

  // ---- nodes ----
  SourceFile,
  Error, // tokens skipped by error recovery

  // items
  FunctionItem,
  StructItem,
  InterfaceItem,
  ImplItem,
  ImportItem,
  ExportAsItem,

  // item parts
  Attribute,
  Name,
  GenericParamList,
  GenericParam,
  ParamList,
  Param,
  ReturnType,
  WhereClause,
  Rule,
  StructBody,
  StructMember,
  InterfaceBody,
  ImportPath,
  FunctionBody,

  // types ("templexes")
  PathType, // Name or Name<args>
  GenericArgList,
  OwnershipType, // &T ^T @T &&T inl T
  RegionType, // r'T or 'r T
  ArrayType, // []<imm>T, [#N]<imm>T, #[]T
  TupleType,
  FuncType, // func name(params)ret in rules
  CallType, // Name(args) in rules
  LiteralType, // 5, true, _
  TypeSeq, // several templexes side by side: `E Ref imm`

  // statements and expressions
  Block,
  LetStmt,
  ExprStmt,
  ReturnExpr,
  BreakExpr,
  SetExpr,
  WhileExpr,
  ForeachExpr,
  IfExpr,
  ElseClause,
  Condition,
  BlockExpr, // block { } / unsafe block / pure block
  DestructExpr,
  UnletExpr,
  NotExpr,
  PrefixExpr, // &x ^x &&x inl x
  RegionExpr, // r'expr
  BinaryExpr,
  CallExpr,
  ArgList,
  IndexExpr, // a[i]
  MemberExpr, // a.b / a.b(args) / a.0
  GenericExpr, // f<T>
  AugmentExpr, // x& (postfix borrow)
  RangeExpr, // a..b
  ParenExpr,
  TupleExpr,
  ArrayExpr, // [#3](1, 2, 3), #[](...), []int(5, f)
  LambdaExpr,
  LambdaParams,
  NameExpr,
  LiteralExpr,
  StringExpr,
  Interpolation,
  MagicParam, // _

  // patterns
  Pattern,
  DestructurePattern,
}

export const FIRST_NODE_KIND = SyntaxKind.SourceFile;

export function isTrivia(kind: SyntaxKind): boolean {
  return kind <= SyntaxKind.EllipsisComment;
}

export function isNodeKind(kind: SyntaxKind): boolean {
  return kind >= FIRST_NODE_KIND;
}

export function kindName(kind: SyntaxKind): string {
  return SyntaxKind[kind] ?? `Kind${kind}`;
}
