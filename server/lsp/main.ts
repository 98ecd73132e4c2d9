import {
  type CancellationToken,
  type CodeAction,
  type CodeActionParams,
  type CodeLensParams,
  type DefinitionParams,
  type DidChangeTextDocumentParams,
  type DidChangeWatchedFilesParams,
  type DidCloseTextDocumentParams,
  type DidOpenTextDocumentParams,
  type DocumentSymbolParams,
  type HoverParams,
  type ReferenceParams,
  type WorkspaceSymbolParams,
  CodeActionKind,
  type CodeLens,
  createConnection,
  type DocumentSymbol,
  LSPErrorCodes,
  FileChangeType,
  type Hover,
  type InitializeParams,
  type InitializeResult,
  type Location,
  MarkupKind,
  MessageType,
  ShowMessageNotification,
  ProposedFeatures,
  ResponseError,
  type SymbolInformation,
  SymbolKind,
  TextDocumentSyncKind,
  type TextEdit,
  type DocumentLinkParams,
  CreateFile,
  TextDocumentEdit,
  type WorkspaceEdit,
  type FoldingRange,
  FoldingRangeKind,
  type FoldingRangeParams,
  type InlayHint,
  InlayHintKind,
  type InlayHintParams,
  SemanticTokensBuilder,
  type SemanticTokensParams,
  type CompletionItem,
  CompletionItemKind,
  type CompletionParams,
  InsertTextFormat,
  type SignatureHelpParams,
  type PrepareRenameParams,
  type RenameParams,
  ErrorCodes,
} from 'vscode-languageserver/node';
import { READ_LIMITS, readRegularFile, readSourceFile, setReadLimits } from '../read';
import { type JobFile, autoJobs, readInWorkers } from '../jobs';
import { URI } from 'vscode-uri';
import { statSync } from 'node:fs';
import { basename, dirname, relative, resolve, sep } from 'node:path';
import {
  type BuiltHeaders,
  renameTarget,
  renameEdits,
  signatureAt,
  completionsAt,
  type CompletionAt,
  semanticTokens,
  SEMANTIC_TYPES,
  SEMANTIC_MODIFIERS,
  inlayHints,
  foldingRegions,
  anyMissingExtern,
  implementMissingExterns,
  type FileEdit,
  generatedIncludes,
  cUses,
  cSymbolTarget,
  cSymbolHover,
  cSymbolAt,
  cDefinitions,
  type KindDecl,
  type FunctionDecl,
  type CProgram,
  type CFileSummary,
  isCPath,
  type Module,
  type OutlineKind,
  type OutlineSymbol,
  STATUS,
  type StatusParams,
  Workspace,
  codeLenses,
  documentSymbols,
  hoverInVale,
  hoverReferenceInText,
  readElfSymbols,
  referencesTo,
  symbolAddresses,
  symbolAt,
  workspaceSymbols,
  warmUpCopies,
  warmUpKeystrokes,
  warmUpSteps,
} from '../../shared';
import { DiagnosticsPublisher } from './diagnostics';
import { Guard, shape, valid } from './guard';
import { Arrivals, MESSAGE_GAP_MS, MESSAGE_WAIT_MS, transportFromArgs } from './transport';
import { Documents, keyOf } from './documents';
import { serverWarmUpEditor } from './warmup';
import { registerRequests } from './requests';
import { DEFAULT_SETTINGS, type Settings, readSettings, withConfig } from './settings';
import { type FoundConfig, SourceFilter, findConfig, walkValeFileSteps, walkValeFiles } from '../sources';
import { readBuiltHeaders } from '../built';
import { loadCParser } from '../cparser';
import { heapPolicyReading, heapPolicyTick, serverHeap } from '../heap';
import { failpoint, slowpoint } from './failpoints';

// Transport (stdio, IPC, socket, pipe) comes from the command line, as vscode-languageclient
// passes it; the reader shows each message to `arrivals` before the connection queues it.
const arrivals = new Arrivals();
const [reader, writer] = transportFromArgs(process.argv.slice(2), arrivals);
serverHeap();
const connection = createConnection(ProposedFeatures.all, reader, writer);
let shutdownReceived = false;
connection.onShutdown(() => {
  shutdownReceived = true;
});
reader.onClose(() => process.exit(shutdownReceived ? 0 : 1));
const workspace = new Workspace();
const documents = new Documents(workspace, (m) => connection.console.warn(`vale-ffi: ${m}`));
/** The editor's settings, and what is used: those with the project's configuration file over them. */
let clientSettings: Settings = DEFAULT_SETTINGS;
let settings: Settings = DEFAULT_SETTINGS;
/** The project's vale-ffi.json (or package.json "vale-ffi"), found upward from the first folder that has one. */
let project: FoundConfig | undefined;
/** Which files of each folder are analyzed: .gitignore, the configuration's include/exclude, the build directory. */
let filters: { folder: string; filter: SourceFilter }[] = [];
let folders: string[] = [];
let canPullConfiguration = false;
/** The client fills a code action's edit in when it is chosen (`codeAction/resolve`): the source action's is made then. */
let resolvesActionEdits = false;
let cParserLoaded = false;
/** The build directory whose headers are read, watched for a rebuild. */
let builtDirectory: string | undefined;
const publisher = new DiagnosticsPublisher(connection, workspace, documents, arrivals);
// Documents opened before the workspace is read are answered once it is (onInitialized).
publisher.holdUntilRead();

/** A warning shown to the user: a notification, so a client that cannot show it loses nothing. */
const warn = (message: string): void =>
  void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message });

const guard = new Guard(connection);
const DOC = shape.of({ 'textDocument.uri': valid.string });
const DOC_POSITION = shape.of({ 'textDocument.uri': valid.string, position: valid.position });
const DOC_RANGE = shape.of({ 'textDocument.uri': valid.string, range: valid.range });
const CODE_ACTION = shape.of({ title: valid.string, 'kind?': valid.string });
/** The source action of a C file that defines every extern no C file defines yet. */
const IMPLEMENT_EXTERNS = `${CodeActionKind.Source}.implementExterns`;
const IMPLEMENT_EXTERNS_TITLE = 'Implement the missing Vale externs';
const REFERENCES = shape.of({ 'textDocument.uri': valid.string, position: valid.position, 'context.includeDeclaration': valid.boolean });
const DID_OPEN = shape.of({
  'textDocument.uri': valid.string,
  'textDocument.languageId': valid.string,
  'textDocument.version': valid.number,
  'textDocument.text': valid.string,
});
const DID_CHANGE = shape.of({
  'textDocument.uri': valid.string,
  'textDocument.version': valid.number,
  contentChanges: valid.array((c) => valid.object(c) && valid.string(c.text) && valid.optional(valid.range)(c.range)),
});
const WATCHED = shape.of({ changes: valid.array((c) => valid.object(c) && valid.string(c.uri) && valid.number(c.type)) });

const cancelled = (): ResponseError<void> => new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');

connection.onInitialize(async (params: InitializeParams): Promise<InitializeResult> => {
  // C files are read with tree-sitter's C grammar, loaded before any document can arrive (without it only Vale is read).
  const parser = await loadCParser((m) => connection.console.warn(`vale-ffi: ${m}`));
  workspace.setCParser(parser);
  cParserLoaded = parser !== undefined;
  folders = (params.workspaceFolders ?? []).map((f) => URI.parse(f.uri).fsPath);
  if (folders.length === 0 && params.rootUri) folders = [URI.parse(params.rootUri).fsPath];
  canPullConfiguration = params.capabilities.workspace?.configuration === true;
  resolvesActionEdits = params.capabilities.textDocument?.codeAction?.resolveSupport?.properties.includes('edit') === true;
  const shows = params.capabilities.textDocument?.publishDiagnostics;
  publisher.clientShows = { codeDescription: shows?.codeDescriptionSupport === true, related: shows?.relatedInformation === true };
  if (params.initializationOptions) settings = clientSettings = readSettings(params.initializationOptions);
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      documentSymbolProvider: true,
      workspaceSymbolProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, IMPLEMENT_EXTERNS], resolveProvider: true },
      codeLensProvider: { resolveProvider: false },
      documentLinkProvider: { resolveProvider: false },
      foldingRangeProvider: true,
      completionProvider: { triggerCharacters: ['.'] },
      signatureHelpProvider: { triggerCharacters: ['(', ','] },
      renameProvider: { prepareProvider: true },
      semanticTokensProvider: { legend: { tokenTypes: [...SEMANTIC_TYPES], tokenModifiers: [...SEMANTIC_MODIFIERS] }, full: true },
      inlayHintProvider: true,
    },
    serverInfo: { name: 'vale-ffi' },
  };
});

/**
 * The C program hovers, lenses and requests answer with: the project set (settings or the
 * configuration), else the one the workspace's C files use (so hovers say `fleet_Ship` where
 * the C code does), else the first module's.
 */
function cProgram(): CProgram {
  readCFilesThatMatter();
  const project = settings.projectName !== DEFAULT_SETTINGS.projectName ? settings.projectName : workspace.effectiveCProject();
  return workspace.cProgram(project, settings.target);
}

/** The workspace's C files with their summaries, for navigation across languages. */
function cFiles(): [string, CFileSummary][] {
  readCFilesThatMatter();
  return workspace.cFiles().map((f) => [f, workspace.cFile(f)!]);
}

/**
 * Before a request reads the C side: the closed C files that came to matter since the last
 * change read (a pass may not have run since), and a pass sends their diagnostics.
 */
function readCFilesThatMatter(): void {
  if (documents.readCFilesThatMatter() > 0) publisher.schedule();
}

/** Itable checks follow the settings: the simulated profile, and the symbols of `valeFfi.binary` when set. */
function applyItableSettings(): void {
  let symbols: Map<string, bigint> | undefined;
  if (settings.binary) {
    try {
      symbols = symbolAddresses(readElfSymbols(readRegularFile(settings.binary, READ_LIMITS.binary)));
    } catch (e) {
      const reason = (e as Error).message;
      warn(`Vale FFI: cannot read the binary ${settings.binary}: ${reason}`);
    }
  }
  workspace.setItableOptions({ profile: settings.itableProfile, symbols, binary: settings.binary || undefined });
}

/** A real build's headers (`valeFfi.buildDir`, or the configuration's buildDirectory): `_Type_` numbers and StaleGeneratedHeader. */
function applyBuildSettings(): void {
  let built: BuiltHeaders | undefined;
  if (settings.buildDir) {
    const base = folders[0] ?? process.cwd();
    const dir = resolve(base, settings.buildDir);
    const shown = relative(base, dir).split(sep).join('/') || '.';
    try {
      built = readBuiltHeaders(
        dir,
        shown,
        { name: settings.projectName, explicit: settings.projectName !== DEFAULT_SETTINGS.projectName },
        settings.buildDirExplicit,
      );
    } catch (e) {
      warn(`Vale FFI: cannot read the build's headers: ${(e as Error).message}`);
    }
  }
  builtDirectory = built ? resolve(folders[0] ?? process.cwd(), settings.buildDir) : undefined;
  workspace.setBuiltHeaders(built);
}

/** The editor's `valeFfi.*` settings, pulled when the client can answer (kept otherwise). */
async function fetchClientSettings(): Promise<void> {
  if (!canPullConfiguration) return;
  try {
    clientSettings = readSettings(await connection.workspace.getConfiguration('valeFfi'));
  } catch {
    // The client could not answer: keep what we have.
  }
}

/** Settings in use: the configuration file's over the editor's; itables and modules follow them. */
function applySettings(): void {
  settings = withConfig(clientSettings, project);
  applyItableSettings();
  applyBuildSettings();
  applyModules();
}

/** Reads the project's configuration (reporting its problems) and rebuilds the file filters. */
function loadProject(): void {
  project = undefined;
  for (const folder of folders) {
    project = findConfig(folder);
    if (project) break;
  }
  if (project && project.problems.length > 0) {
    const text = project.problems.join('; ');
    connection.console.warn(`vale-ffi: ${text}`);
    warn(`Vale FFI: the configuration has problems (the rest of it applies): ${text}`);
  }
  filters = folders.map((folder) => ({ folder, filter: new SourceFilter({ config: project, cwd: folder }) }));
  publisher.severity = project?.config.severity;
  setReadLimits(project?.config ?? {});
  applySettings();
}

/** The modules the workspace names packages by (what reading threads are told). */
let modulesInUse: readonly Module[] = [];

/**
 * Packages are named through modules, as valec names them: the configuration's, else the
 * `valeFfi.modules` setting's (relative to the first folder), else one per folder named after it.
 */
function applyModules(): void {
  const root = (dir: string): string => keyOf(URI.file(dir).toString());
  let modules: Module[];
  // Modules named by the configuration or the setting are valec's: the first names the C project, as in `vale-ffi check`.
  let named = true;
  if (project?.config.modules) {
    modules = Object.entries(project.config.modules).map(([name, dir]) => ({ name, root: root(resolve(project!.dir, dir)) }));
  } else if (Object.keys(settings.modules).length > 0 && folders.length > 0) {
    modules = Object.entries(settings.modules).map(([name, dir]) => ({ name, root: root(resolve(folders[0], dir)) }));
  } else {
    named = false;
    modules = folders.map((folder) => ({
      name:
        basename(folder)
          .replace(/[^A-Za-z0-9_]/g, '_')
          .replace(/^(?=\d)/, '_') || 'main',
      root: root(folder),
    }));
  }
  workspace.setModules(modules);
  modulesInUse = modules;
  // C names carry the project: the one set (settings or configuration), else the first named
  // module's, else the one the C files use, else the first folder's.
  const set = settings.projectName !== DEFAULT_SETTINGS.projectName ? settings.projectName : undefined;
  workspace.setCProject(set ?? (named ? modules[0]?.name : undefined));
}

/** Every .vale file of the folders that the filters take, and their C and C++ files once the C grammar is loaded. */
function projectFiles(): string[] {
  return filters.flatMap(({ folder, filter }) => walkValeFiles([folder], filter, undefined, isSourceName));
}

/** `projectFiles`, walked in slices between messages (a large workspace's walk lists thousands of directories). */
async function projectFilesInSlices(): Promise<string[]> {
  const files: string[] = [];
  for (const { folder, filter } of filters) {
    const steps = walkValeFileSteps([folder], filter, undefined, isSourceName);
    await inSlicesUntilDone(() => {
      const step = steps.next();
      if (step.done) files.push(...step.value);
      return !step.done;
    });
  }
  return files;
}

/** Whether a file name (or path) is one of a source the server reads (Vale, and C once the C grammar is loaded). */
function isSourceName(name: string): boolean {
  return name.endsWith('.vale') || (cParserLoaded && isCPath(name));
}

/** Whether a file that appeared on disk belongs to the analyzed files. */
function takesPath(path: string): boolean {
  return filters.some(({ folder, filter }) => filter.takesPath(folder, path));
}

/**
 * Whether a changed file can change the configuration: the one in use, or a vale-ffi.json or
 * package.json in a workspace folder or above one (where the search looks). A package.json deep
 * in node_modules is not: `npm install` must not reload the project a thousand times.
 */
function isConfigFile(uri: string): boolean {
  if (!/\/(vale-ffi|package)\.json$/.test(uri)) return false;
  const path = URI.parse(uri).fsPath;
  if (path === project?.path) return true;
  const dir = dirname(path);
  return folders.some((folder) => folder === dir || folder.startsWith(dir.endsWith(sep) ? dir : `${dir}${sep}`));
}

/** The requests answered from their own document alone, also while the workspace's files are read (`Guard.holdRequests`). */
const DOCUMENT_REQUESTS = ['textDocument/foldingRange', 'textDocument/documentSymbol'];

connection.onInitialized(async () => {
  // Until the files are read and the open documents answered, the other requests wait (the files
  // are read in slices, between messages): they would be answered from the files read so far.
  let read!: () => void;
  guard.holdRequests(new Promise<void>((resolve) => (read = resolve)), DOCUMENT_REQUESTS);
  try {
    await readWorkspace();
  } finally {
    read();
  }
  warmUpEditing();
  // The other files once the reach walk is made (their first check of an immutable kind would make
  // it in one piece): until then a pass answers the open documents only.
  publisher.holdOthers();
  prepareInSlices(() => {
    connection.console.info('vale-ffi: reach walk made ahead; checking the other files');
    publisher.releaseOthers();
  });
});

/** Reads the workspace's files, then answers the documents opened meanwhile. */
async function readWorkspace(): Promise<void> {
  let progress: Awaited<ReturnType<typeof connection.window.createWorkDoneProgress>> | undefined;
  let failed = false;
  try {
    await fetchClientSettings();
    loadProject();
    const files = await projectFilesInSlices();
    sendStatus('indexing', files);
    progress = await connection.window.createWorkDoneProgress().catch(() => undefined);
    progress?.begin('Vale FFI', 0, `Indexing ${files.length} files`, false);
    const report = (done: number): void => {
      progress?.report(Math.round((done * 100) / files.length), `Indexing ${files.length} files (${done} done)`);
    };
    failpoint('reading', () => 'FAILPOINT');
    const threads = await readFiles(files, report);
    // The index made ahead in slices too (a request for an open document's folding or outline is
    // answered meanwhile); the rest of the start-up's work takes it.
    await inSlicesUntilDone(() => workspace.prepareIndex(8)).catch((e: unknown) =>
      // Only responsiveness is lost: the first answer that needs the index makes it.
      connection.console.warn(`vale-ffi: making the index ahead failed: ${(e as Error).stack ?? String(e)}`),
    );
    progress?.done();
    connection.console.info(`vale-ffi: indexed ${files.length} files${threads > 1 ? ` (read in ${threads} threads)` : ''}`);
    sendStatus('ready');
  } catch (e) {
    // The documents open are still analysed (with what was read), and every edit after.
    failed = true;
    progress?.done();
    warn(`vale-ffi could not read the workspace's files: ${(e as Error).message} (the stack is in the output log)`);
    connection.console.error(`vale-ffi: reading the workspace failed: ${(e as Error).stack ?? String(e)}`);
  }
  // The open documents' diagnostics first, then the warm-up (it only speeds the keystrokes to come up).
  publisher.answerOpenDocuments();
  if (failed) sendStatus('ready');
}

/**
 * Makes the reach walk ahead in slices between messages (`Workspace.prepare`), then calls `then`.
 * The start-up pass over the workspace's files would make it at their first check of an immutable
 * kind, in one piece (0.4 s on the bench's 100k lines), and a request sent then waited for it.
 */
function prepareInSlices(then: () => void): void {
  inSlices(
    () => {
      slowpoint('slow-prepare', 2);
      return workspace.prepare(8);
    },
    () => then(),
    (e) => {
      // Only speed is lost: the first check that needs the walk makes it.
      connection.console.warn(`vale-ffi: making the reach walk ahead failed: ${(e as Error).stack ?? String(e)}`);
      then();
    },
  );
}

/** How often the reading of the workspace's files reports its progress, at most. */
const REPORT_MS = 100;

/**
 * How long a slice of background work (the warm-up, the reach walk made ahead) runs before the
 * server looks at its messages again: a request or an edit that arrives meanwhile waits at most
 * about this long (a warm-up keystroke takes 0.3–3 ms).
 */
const SLICE_MS = 4;

/**
 * Runs `step` (true while work is left) in slices of about `SLICE_MS` between the server's
 * messages, each once no message was read for `MESSAGE_GAP_MS` (`MESSAGE_WAIT_MS` at most), then
 * `done` with the time the slices took; `failed` when a step throws (no slice runs after it).
 */
function inSlices(step: () => boolean, done: (busyMs: number) => void, failed: (e: unknown) => void): void {
  let busy = 0;
  let waited = 0;
  const slice = (): void => {
    if (!arrivals.quietFor(MESSAGE_GAP_MS) && waited < MESSAGE_WAIT_MS) {
      waited++;
      setTimeout(slice, 1);
      return;
    }
    waited = 0;
    const from = performance.now();
    let more = true;
    try {
      while (more && performance.now() - from < SLICE_MS) more = step();
    } catch (e) {
      failed(e);
      return;
    }
    busy += performance.now() - from;
    if (more) setImmediate(slice);
    else done(busy);
  };
  slice();
}

/** `inSlices` as a promise: resolved once `step` answers false, rejected with what it throws. */
function inSlicesUntilDone(step: () => boolean): Promise<void> {
  return new Promise<void>((resolve, reject) => inSlices(step, () => resolve(), reject));
}

/**
 * Once the open documents are answered: the edit path runs scripted keystrokes on a sample
 * (`warmUpSteps`), so that the user's first keystrokes find it compiled: more of them, into more
 * copies of the sample, in a bigger workspace, where a keystroke costs more and documents are
 * longer (0.2 to about 2 s in all, once: `warmUpKeystrokes`, `warmUpCopies`). It runs
 * in slices between the server's messages, so requests and edits are answered meanwhile instead of
 * after it.
 */
function warmUpEditing(): void {
  const started = performance.now();
  const failed = (e: unknown): void => {
    // Only speed is lost: the server goes on without it.
    connection.console.warn(`vale-ffi: warming the edit path up failed: ${(e as Error).stack ?? String(e)}`);
  };
  let steps: ReturnType<typeof warmUpSteps>;
  let copies = 0;
  try {
    failpoint('warmup', () => 'FAILPOINT');
    let valeChars = 0;
    for (const key of workspace.files()) if (!isCPath(key)) valeChars += workspace.source(key)?.length ?? 0;
    copies = warmUpCopies(valeChars);
    steps = warmUpSteps(warmUpKeystrokes(valeChars), copies, heapPolicyTick, serverWarmUpEditor());
  } catch (e) {
    failed(e);
    return;
  }
  inSlices(
    () => steps.step(),
    (busy) =>
      connection.console.info(
        `vale-ffi: edit path warmed up (${steps.typed} keystrokes on a sample of ${copies} copies, ${Math.round(busy)} ms, done ${Math.round(performance.now() - started)} ms after it began)`,
      ),
    failed,
  );
}

/**
 * Reads the project's files: the Vale files in worker threads (`valeFfi.jobs`, or as `vale-ffi
 * check` decides: `autoJobs`) or here, the C files here. Each file is read from disk once.
 * Answers how many threads read the Vale files (1: this one, also when a thread failed).
 */
async function readFiles(files: readonly string[], report: (done: number) => void): Promise<number> {
  const vale: (JobFile & { uri: string })[] = [];
  heapPolicyReading();
  // In slices of about SLICE_MS, the event loop turning between them: a message is read (a request
  // for an open document's folding or outline answered) while the files are.
  let slice = performance.now();
  const turn = async (): Promise<void> => {
    if (performance.now() - slice < SLICE_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    slice = performance.now();
  };
  for (const file of files) {
    await turn();
    if (isCPath(file)) continue;
    const uri = URI.file(file).toString();
    if (documents.get(uri)) continue;
    try {
      // Walked from the workspace folders (directories): every file was listed as a regular file.
      vale.push({ key: keyOf(uri), uri, text: readSourceFile(file, true) });
    } catch {
      // Unreadable: skipped, as loadFromDisk skips it.
    }
    heapPolicyTick();
  }
  const jobs = settings.jobs > 0 ? settings.jobs : autoJobs(vale);
  let threads = 1;
  if (jobs > 1 && vale.length > 1) {
    try {
      const released = await readInWorkers(vale, modulesInUse, jobs, report);
      const uris = new Map(vale.map((f) => [f.key, f.uri]));
      // A file opened or read meanwhile (a document, a change on disk) keeps what it has now.
      documents.adoptFromDisk(
        released.filter((f) => !workspace.tree(f.path)),
        (key) => uris.get(key)!,
      );
      threads = jobs;
    } catch (e) {
      connection.console.warn(`vale-ffi: reading in ${jobs} threads failed (${(e as Error).message}); reading in one`);
    }
  }
  if (threads === 1) {
    let reported = performance.now();
    for (const [i, f] of vale.entries()) {
      await turn();
      slowpoint('slow-read', 1);
      if (!documents.get(f.uri)) documents.setFromDisk(f.uri, f.text);
      heapPolicyTick();
      // At most every REPORT_MS: each report is a write to the client.
      if (performance.now() - reported >= REPORT_MS) {
        reported = performance.now();
        report(i + 1);
      }
    }
  }
  for (const file of files) if (isCPath(file)) documents.loadFromDisk(URI.file(file).toString());
  return threads;
}

/** Tells the client what is analysed (`valeFfi/status`): the status bar item shows it. */
function sendStatus(state: StatusParams['state'], files?: readonly string[]): void {
  const vale = files ? files.filter((f) => f.endsWith('.vale')).length : workspace.files().length;
  const c = files ? files.length - vale : workspace.cFiles().length;
  const status: StatusParams = { state, valeFiles: vale, cFiles: c, project: cProgram().project };
  void connection.sendNotification(STATUS.method, status).catch(() => undefined);
}

connection.onDidChangeConfiguration(
  guard.notification(
    'workspace/didChangeConfiguration',
    shape.of({ 'settings?': () => true }),
    async (change: { settings?: { valeFfi?: unknown } } | undefined) => {
      if (!canPullConfiguration && change?.settings?.valeFfi) clientSettings = readSettings(change.settings.valeFfi);
      await fetchClientSettings();
      applySettings();
      publisher.schedule();
    },
  ),
);

connection.onDidOpenTextDocument(
  guard.notification('textDocument/didOpen', DID_OPEN, ({ textDocument: t }: DidOpenTextDocumentParams) => {
    documents.didOpen(t.uri, t.languageId, t.version, t.text);
    if (documents.isVale(t.uri) || workspace.cFile(keyOf(t.uri))) publisher.schedule(keyOf(t.uri));
  }),
);
connection.onDidChangeTextDocument(
  guard.notification('textDocument/didChange', DID_CHANGE, ({ textDocument: t, contentChanges }: DidChangeTextDocumentParams) => {
    documents.didChange(t.uri, t.version, contentChanges);
    if (documents.isVale(t.uri) || workspace.cFile(keyOf(t.uri))) publisher.schedule(keyOf(t.uri));
  }),
);
connection.onDidCloseTextDocument(
  guard.notification('textDocument/didClose', DOC, ({ textDocument: t }: DidCloseTextDocumentParams) => {
    arrivals.forget(t.uri);
    const source = documents.isVale(t.uri) || workspace.cFile(keyOf(t.uri)) !== undefined;
    documents.didClose(t.uri);
    if (source) publisher.schedule();
  }),
);
connection.onDidChangeWatchedFiles(
  guard.notification('workspace/didChangeWatchedFiles', WATCHED, ({ changes }: DidChangeWatchedFilesParams) => {
    if (changes.some((c) => isConfigFile(c.uri))) {
      // The configuration changed: settings, severities and the set of analyzed files follow it.
      loadProject();
      const wanted = new Set(projectFiles().map((f) => URI.file(f).toString()));
      for (const key of [...workspace.files(), ...workspace.cFiles()]) {
        const uri = documents.uriOf(key);
        if (!wanted.has(uri) && !documents.get(uri)) documents.removeFromDisk(uri);
      }
      for (const uri of wanted)
        if (!workspace.tree(keyOf(uri)) && !workspace.cFile(keyOf(uri)) && !documents.get(uri)) documents.loadFromDisk(uri);
      publisher.republishAll();
      // Sources changed in the same batch are read below.
    }
    if (builtDirectory && changes.some((c) => c.uri.endsWith('.h') && URI.parse(c.uri).fsPath.startsWith(`${builtDirectory}${sep}`))) {
      // A rebuild: the headers are read again and every file's stale-header warnings follow.
      applyBuildSettings();
      publisher.republishAll();
    }
    for (const c of changes) {
      const source = isSourceUri(c.uri);
      // Besides source files: folders that came or went (an editor reports a folder deleted or
      // moved, not the files in it), and other files, which the reading skips.
      if (!source && (c.type === FileChangeType.Changed || URI.parse(c.uri).scheme !== 'file')) continue;
      // The last change of a path wins; it is read in its turn.
      diskChanges.delete(c.uri);
      diskChanges.set(c.uri, { deleted: c.type === FileChangeType.Deleted, source });
    }
    readDiskChanges();
  }),
);

function isSourceUri(uri: string): boolean {
  return isSourceName(URI.parse(uri).path);
}

/**
 * Paths changed on disk and not read yet, in the order of their last change: source files, and
 * other paths created or deleted, which may be folders (`source` false).
 */
const diskChanges = new Map<string, { readonly deleted: boolean; readonly source: boolean }>();
/** A batch of at least this many files changed on disk is logged when read (a branch switch, say). */
const MANY_DISK_CHANGES = 100;
/** Whether a file of those came or went (the status bar's counts change). */
let diskFilesCameOrWent = false;
let readingDisk = false;

/**
 * Reads the source files changed on disk in slices between messages (`inSlices`), then has the
 * diagnostics follow. A branch switch changes thousands of files at once: read in one piece, a
 * request sent meanwhile waited for all of them (0.5 s for 2,000 files of the bench's 100k lines).
 * Requests between slices see the files read so far.
 */
function readDiskChanges(): void {
  if (readingDisk) return;
  if (diskChanges.size === 0) {
    publisher.schedule();
    return;
  }
  readingDisk = true;
  const started = performance.now();
  let read = 0;
  const finish = (): void => {
    readingDisk = false;
    sourceFolders = undefined;
    if (read >= MANY_DISK_CHANGES)
      connection.console.info(`vale-ffi: read ${read} files changed on disk (${Math.round(performance.now() - started)} ms)`);
    if (diskFilesCameOrWent) sendStatus('ready');
    diskFilesCameOrWent = false;
    publisher.schedule();
  };
  inSlices(
    () => {
      const next = diskChanges.entries().next();
      if (next.done) return false;
      const [uri, { deleted, source }] = next.value;
      diskChanges.delete(uri);
      try {
        if (!source) {
          readFolderChange(uri, deleted);
          return diskChanges.size > 0;
        }
        read++;
        if (deleted) {
          if (workspace.tree(keyOf(uri)) || workspace.cFile(keyOf(uri))) diskFilesCameOrWent = true;
          documents.removeFromDisk(uri);
        } else if (takesPath(URI.parse(uri).fsPath)) {
          if (!workspace.tree(keyOf(uri)) && !workspace.cFile(keyOf(uri))) {
            diskFilesCameOrWent = true;
            sourceFolders = undefined; // a file in a new folder
          }
          documents.loadFromDisk(uri);
        }
      } catch (e) {
        // One file's failure does not stop the others (its diagnostics say what failed, if it is analysed).
        connection.console.error(`vale-ffi: reading ${uri} failed: ${(e as Error).stack ?? String(e)}`);
      }
      return diskChanges.size > 0;
    },
    finish,
    (e) => {
      connection.console.error(`vale-ffi: reading the changed files failed: ${(e as Error).stack ?? String(e)}`);
      finish();
    },
  );
}

/** The folders (and their parents) that hold the workspace's source files, while changes on disk are read; made when first asked. */
let sourceFolders: Set<string> | undefined;

function foldersOfSources(): Set<string> {
  const out = new Set<string>();
  for (const key of [...workspace.files(), ...workspace.cFiles()])
    for (let at = key.lastIndexOf('/'); at > 0 && !out.has(key.slice(0, at)); at = key.lastIndexOf('/', at - 1)) out.add(key.slice(0, at));
  return out;
}

/**
 * A path other than a source file came or went. A folder deleted (or moved away) takes the files
 * under it with it; a folder created (or moved in) brings the source files under it that the
 * configuration takes, queued to be read. Anything else is skipped.
 */
function readFolderChange(uri: string, deleted: boolean): void {
  const folder = keyOf(uri);
  const inside = `${folder.endsWith('/') ? folder : `${folder}/`}`;
  if (deleted) {
    // Most deleted paths are other files (a build's outputs): only a folder that holds sources is looked into.
    sourceFolders ??= foldersOfSources();
    if (!sourceFolders.has(folder.replace(/\/+$/, ''))) return;
    for (const key of [...workspace.files(), ...workspace.cFiles()]) {
      if (!key.startsWith(inside)) continue;
      const file = documents.uriOf(key);
      // A change of the same file queued later wins.
      if (!diskChanges.has(file)) diskChanges.set(file, { deleted: true, source: true });
    }
    return;
  }
  const path = URI.parse(uri).fsPath;
  let directory = false;
  try {
    directory = statSync(path).isDirectory();
  } catch {
    // Gone again: nothing to read.
  }
  if (!directory) return;
  for (const { folder: root, filter } of filters) {
    if (path !== root && !path.startsWith(`${root}${sep}`)) continue;
    // Each file is then read if the configuration takes it (`takesPath`), as a file created alone.
    for (const file of walkValeFiles([path], filter, undefined, isSourceName)) {
      const fileUri = URI.file(file).toString();
      if (!diskChanges.has(fileUri)) diskChanges.set(fileUri, { deleted: false, source: true });
    }
  }
}

connection.onHover(
  guard.request(
    'textDocument/hover',
    DOC_POSITION,
    ({ textDocument, position }: HoverParams, token: CancellationToken): Hover | null | ResponseError<void> => {
      if (token.isCancellationRequested) return cancelled();
      const key = keyOf(textDocument.uri);
      // A Vale file the core holds (open or not), a C file (generated names, then references), or another open document (logs).
      const tree = documents.isVale(textDocument.uri) ? workspace.tree(key) : undefined;
      const doc = documents.get(textDocument.uri);
      const c = tree ? undefined : workspace.cFile(key);
      // A Vale document's text as held (a long one's pieces: the hover reads around the offset, joining nothing).
      const text = tree ? workspace.source(key) : c ? workspace.text(key) : doc?.getText();
      if (text === undefined) return null;
      const lines = tree?.lines ?? (c ? documents.lines(key) : undefined);
      const offset = lines ? lines.offsetAt(position) : doc!.offsetAt(position);
      const symbol = c && settings.hover.layout ? cSymbolAt(cProgram(), c, offset) : undefined;
      const result = tree
        ? hoverInVale(cProgram(), key, text, offset, settings.hover)
        : symbol
          ? { contents: cSymbolHover(cProgram(), symbol, settings.hover.numbers), ...symbol.range }
          : hoverReferenceInText(text, offset, settings.hover);
      if (!result) return null;
      const pos = (o: number) => (lines ? lines.positionAt(o) : doc!.positionAt(o));
      return { contents: { kind: MarkupKind.Markdown, value: result.contents }, range: { start: pos(result.start), end: pos(result.end) } };
    },
  ),
);

function location(key: string, start: number, end: number): Location {
  return { uri: documents.uriOf(key), range: { start: documents.positionAt(key, start), end: documents.positionAt(key, end) } };
}

connection.onDefinition(
  guard.request('textDocument/definition', DOC_POSITION, ({ textDocument, position }: DefinitionParams, token: CancellationToken) => {
    if (token.isCancellationRequested) return cancelled();
    const key = keyOf(textDocument.uri);
    const lines = documents.lines(key);
    if (!lines) return null;
    const c = workspace.cFile(key);
    if (c) {
      // A generated name or a member in C: its Vale declaration.
      const s = cSymbolAt(cProgram(), c, lines.offsetAt(position));
      const target = s && cSymbolTarget(s);
      return target ? location(target.file, target.start, target.end) : null;
    }
    const s = symbolAt(workspace.program(), key, lines.offsetAt(position));
    if (s?.tag === 'kind' && s.decl) return location(s.decl.file, s.decl.nameStart, s.decl.nameEnd);
    if (s?.tag === 'field') return location(s.decl.file, s.member.nameStart, s.member.nameEnd);
    if (s?.tag === 'function') {
      // An extern is defined in C: there, when a C file of the workspace defines it.
      const defs = s.fn.extern ? cDefinitions(cProgram(), cFiles(), s.fn) : [];
      if (defs.length > 0) return defs.map((d) => location(d.file, d.start, d.end));
      return location(s.fn.file, s.fn.nameStart, s.fn.nameEnd);
    }
    return null;
  }),
);

connection.onReferences(
  guard.request('textDocument/references', REFERENCES, ({ textDocument, position, context }: ReferenceParams, token: CancellationToken) => {
    if (token.isCancellationRequested) return cancelled();
    const key = keyOf(textDocument.uri);
    const lines = documents.lines(key);
    if (!lines) return null;
    const index = workspace.program();
    const program = cProgram();
    const offset = lines.offsetAt(position);
    // The Vale kind or FFI function under the cursor, in Vale or through its generated name in C.
    let decl: KindDecl | undefined;
    let fn: FunctionDecl | undefined;
    const c = workspace.cFile(key);
    if (c) {
      const s = cSymbolAt(program, c, offset);
      if (s?.tag === 'kind' || s?.tag === 'field') decl = s.kind.decl;
      else if (s?.tag === 'tag') decl = s.sub.decl;
      else if (s?.tag === 'function') fn = s.fn;
    } else {
      const s = symbolAt(index, key, offset);
      if (s?.tag === 'kind') decl = s.decl;
      else if (s?.tag === 'function' && (s.fn.extern || s.fn.exported)) fn = s.fn;
    }
    const toLocation = (l: { file: string; start: number; end: number }): Location => location(l.file, l.start, l.end);
    if (fn) {
      const uses = cUses(program, cFiles(), { fn }).map(toLocation);
      return context.includeDeclaration ? [location(fn.file, fn.nameStart, fn.nameEnd), ...uses] : uses;
    }
    if (!decl) return [];
    const kind = program.kindOfDecl(decl, true);
    const refs = [
      ...referencesTo(index, decl).map((r) => location(r.file, r.range.start, r.range.end)),
      ...(kind ? cUses(program, cFiles(), { kind }).map(toLocation) : []),
    ];
    return context.includeDeclaration ? [location(decl.file, decl.nameStart, decl.nameEnd), ...refs] : refs;
  }),
);

const COMPLETION_KIND: Record<CompletionAt['kind'], CompletionItemKind> = {
  struct: CompletionItemKind.Struct,
  interface: CompletionItemKind.Interface,
  keyword: CompletionItemKind.Keyword,
  property: CompletionItemKind.Field,
  snippet: CompletionItemKind.Snippet,
  type: CompletionItemKind.TypeParameter,
};

connection.onCompletion(
  guard.request('textDocument/completion', DOC_POSITION, ({ textDocument, position }: CompletionParams, token: CancellationToken) => {
    if (token.isCancellationRequested) return cancelled();
    const key = keyOf(textDocument.uri);
    const tree = documents.isVale(textDocument.uri) ? workspace.tree(key) : undefined;
    if (!tree) return [];
    return completionsAt(cProgram(), key, tree.source, tree.lines.offsetAt(position)).map(
      (c, i): CompletionItem => ({
        label: c.label,
        kind: COMPLETION_KIND[c.kind],
        detail: c.detail,
        sortText: String(i).padStart(4, '0'),
        ...(c.snippet ? { insertText: c.snippet, insertTextFormat: InsertTextFormat.Snippet } : {}),
      }),
    );
  }),
);

connection.onPrepareRename(
  guard.request('textDocument/prepareRename', DOC_POSITION, ({ textDocument, position }: PrepareRenameParams, token: CancellationToken) => {
    if (token.isCancellationRequested) return cancelled();
    const key = keyOf(textDocument.uri);
    const tree = documents.isVale(textDocument.uri) ? workspace.tree(key) : undefined;
    if (!tree) return null;
    const target = renameTarget(cProgram(), key, tree.lines.offsetAt(position));
    if ('refused' in target) return new ResponseError(ErrorCodes.InvalidRequest, target.refused);
    return { start: tree.lines.positionAt(target.range.start), end: tree.lines.positionAt(target.range.end) };
  }),
);

connection.onRenameRequest(
  guard.request(
    'textDocument/rename',
    shape.of({ 'textDocument.uri': valid.string, position: valid.position, newName: valid.string }),
    ({ textDocument, position, newName }: RenameParams, token: CancellationToken) => {
      if (token.isCancellationRequested) return cancelled();
      const key = keyOf(textDocument.uri);
      const tree = documents.isVale(textDocument.uri) ? workspace.tree(key) : undefined;
      if (!tree) return null;
      const program = cProgram();
      const target = renameTarget(program, key, tree.lines.offsetAt(position));
      if ('refused' in target) return new ResponseError(ErrorCodes.InvalidRequest, target.refused);
      // Closed files were let go: parsed again for their bodies (only those whose text has the name).
      const r = renameEdits(program, target, newName, cFiles(), (f, name) => workspace.syntaxTree(f, name));
      if ('refused' in r) return new ResponseError(ErrorCodes.InvalidRequest, r.refused);
      return workspaceEdit(r.edits);
    },
  ),
);

connection.onSignatureHelp(
  guard.request('textDocument/signatureHelp', DOC_POSITION, ({ textDocument, position }: SignatureHelpParams, token: CancellationToken) => {
    if (token.isCancellationRequested) return cancelled();
    const key = keyOf(textDocument.uri);
    const tree = documents.isVale(textDocument.uri) ? workspace.tree(key) : undefined;
    const sig = tree && signatureAt(cProgram(), key, tree.source, tree.lines.offsetAt(position));
    if (!sig) return null;
    return {
      signatures: [
        {
          label: sig.label,
          documentation: sig.documentation ? { kind: MarkupKind.Markdown, value: sig.documentation } : undefined,
          parameters: sig.parameters.map((p) => ({
            label: [p.start, p.end] as [number, number],
            documentation: p.documentation ? { kind: MarkupKind.Markdown, value: p.documentation } : undefined,
          })),
        },
      ],
      activeSignature: 0,
      activeParameter: sig.active,
    };
  }),
);

connection.languages.semanticTokens.on(
  guard.request('textDocument/semanticTokens/full', DOC, ({ textDocument }: SemanticTokensParams, token: CancellationToken) => {
    if (token.isCancellationRequested) return cancelled();
    const key = keyOf(textDocument.uri);
    const tree = documents.isVale(textDocument.uri) ? workspace.tree(key) : undefined;
    const builder = new SemanticTokensBuilder();
    if (!tree) return builder.build();
    for (const t of semanticTokens(workspace.program(), key)) {
      const at = tree.lines.positionAt(t.start);
      const modifiers = t.modifiers.reduce((bits, m) => bits | (1 << SEMANTIC_MODIFIERS.indexOf(m)), 0);
      builder.push(at.line, at.character, t.end - t.start, SEMANTIC_TYPES.indexOf(t.type), modifiers);
    }
    return builder.build();
  }),
);

connection.onFoldingRanges(
  guard.request('textDocument/foldingRange', DOC, ({ textDocument }: FoldingRangeParams, token: CancellationToken) => {
    if (token.isCancellationRequested) return cancelled();
    const tree = documents.isVale(textDocument.uri) ? workspace.tree(keyOf(textDocument.uri)) : undefined;
    if (!tree) return [];
    return foldingRegions(tree).map((r): FoldingRange => {
      const start = tree.lines.positionAt(r.start).line;
      const end = tree.lines.positionAt(r.end).line;
      // A region closed by `}` keeps that line visible, as editors show braces.
      const closing = r.kind === 'region' && tree.source.charCodeAt(r.end - 1) === 125 /* } */ && end > start + 1 ? end - 1 : end;
      return { startLine: start, endLine: closing, kind: r.kind === 'comment' ? FoldingRangeKind.Comment : FoldingRangeKind.Region };
    });
  }),
);

connection.languages.inlayHint.on(
  guard.request('textDocument/inlayHint', DOC_RANGE, ({ textDocument, range }: InlayHintParams, token: CancellationToken) => {
    if (token.isCancellationRequested) return cancelled();
    const key = keyOf(textDocument.uri);
    const tree = documents.isVale(textDocument.uri) ? workspace.tree(key) : undefined;
    if (!tree || !(settings.inlayHints.kinds || settings.inlayHints.parameters)) return [];
    const span = { start: tree.lines.offsetAt(range.start), end: tree.lines.offsetAt(range.end) };
    return inlayHints(cProgram(), key, span, settings.inlayHints).map(
      (h): InlayHint => ({
        position: tree.lines.positionAt(h.offset),
        label: h.label,
        kind: InlayHintKind.Type,
        paddingLeft: true,
        tooltip: { kind: MarkupKind.Markdown, value: h.tooltip },
      }),
    );
  }),
);

connection.onDocumentLinks(
  guard.request('textDocument/documentLink', DOC, ({ textDocument }: DocumentLinkParams, token: CancellationToken) => {
    if (token.isCancellationRequested) return cancelled();
    const key = keyOf(textDocument.uri);
    const c = workspace.cFile(key);
    if (!c) return [];
    // `#include "vtest/Ship.h"`: the header the backend generates, opened read-only (the client's vale-ffi-header documents).
    const program = cProgram();
    return generatedIncludes(program, c).map((i) => ({
      range: { start: documents.positionAt(key, i.range.start + 1), end: documents.positionAt(key, i.range.end - 1) },
      target: `vale-ffi-header:${program.project}/${i.header}.h`,
      tooltip: `the header the Vale backend generates for ${i.header}`,
    }));
  }),
);

const SYMBOL_KIND: Record<OutlineKind, SymbolKind> = {
  struct: SymbolKind.Struct,
  interface: SymbolKind.Interface,
  field: SymbolKind.Field,
  function: SymbolKind.Function,
  export: SymbolKind.Constant,
};

connection.onDocumentSymbol(
  guard.request('textDocument/documentSymbol', DOC, ({ textDocument }: DocumentSymbolParams, token: CancellationToken) => {
    if (token.isCancellationRequested) return cancelled();
    const key = keyOf(textDocument.uri);
    const model = workspace.model(key);
    if (!model) return [];
    const convert = (s: OutlineSymbol): DocumentSymbol => ({
      name: s.name,
      detail: s.detail,
      kind: SYMBOL_KIND[s.kind],
      range: { start: documents.positionAt(key, s.range.start), end: documents.positionAt(key, s.range.end) },
      selectionRange: { start: documents.positionAt(key, s.selection.start), end: documents.positionAt(key, s.selection.end) },
      children: s.children.map(convert),
    });
    return documentSymbols(model).map(convert);
  }),
);

connection.onWorkspaceSymbol(
  guard.request('workspace/symbol', shape.of({ query: valid.string }), ({ query }: WorkspaceSymbolParams, token: CancellationToken) => {
    if (token.isCancellationRequested) return cancelled();
    return workspaceSymbols(workspace.program(), query).map(
      (s): SymbolInformation => ({
        name: s.name,
        kind: SYMBOL_KIND[s.kind],
        containerName: s.container,
        location: location(s.file, s.range.start, s.range.end),
      }),
    );
  }),
);

/**
 * A core edit set as a workspace edit: plain `changes`, or `documentChanges` when one edit
 * creates a file (a CreateFile, then the file's text), so the editor undoes it in one step.
 */
function workspaceEdit(edits: readonly FileEdit[]): WorkspaceEdit {
  const byUri = new Map<string, { create: boolean; edits: TextEdit[] }>();
  for (const e of edits) {
    const uri = e.create ? URI.file(e.file).toString() : documents.uriOf(e.file);
    const entry = byUri.get(uri) ?? { create: false, edits: [] };
    entry.create ||= e.create === true;
    entry.edits.push({
      range: e.create
        ? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }
        : { start: documents.positionAt(e.file, e.start), end: documents.positionAt(e.file, e.end) },
      newText: e.newText,
    });
    byUri.set(uri, entry);
  }
  if (![...byUri.values()].some((x) => x.create)) return { changes: Object.fromEntries([...byUri].map(([uri, x]) => [uri, x.edits])) };
  return {
    documentChanges: [...byUri].flatMap(([uri, x]) => [
      ...(x.create ? [CreateFile.create(uri, { ignoreIfExists: true })] : []),
      TextDocumentEdit.create({ uri, version: null }, x.edits),
    ]),
  };
}

connection.onCodeAction(
  guard.request('textDocument/codeAction', DOC_RANGE, ({ textDocument, range, context }: CodeActionParams, token: CancellationToken) => {
    if (token.isCancellationRequested) return cancelled();
    const key = keyOf(textDocument.uri);
    const lines = documents.lines(key);
    if (!lines) return [];
    const start = lines.offsetAt(range.start);
    const end = lines.offsetAt(range.end);
    const actions: CodeAction[] = [];
    // The fixes read the C side (where an extern's definition goes).
    readCFilesThatMatter();
    for (const d of workspace.diagnostics(key)) {
      if (d.end < start || d.start > end) continue;
      const fixes = workspace.fixesOf(d);
      if (fixes.length === 0) continue;
      const diagnostic = publisher.toLsp(key, d);
      for (const fix of fixes) {
        actions.push({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: fix.preferred,
          edit: workspaceEdit(fix.edits),
        });
      }
    }
    // In a C file: define every Vale extern no C file defines yet.
    const c = workspace.cFile(key);
    const wantsSource =
      !context?.only || context.only.some((k) => k === CodeActionKind.Source || k.startsWith(`${CodeActionKind.Source}.`));
    if (c && wantsSource) {
      // Its edit writes every missing extern's definition (on a large workspace, thousands): made
      // when the action is chosen, if the client resolves actions; offered when there is one.
      const program = cProgram();
      const files = workspace.cFileTexts();
      if (resolvesActionEdits) {
        if (anyMissingExtern(program, files))
          actions.push({ title: IMPLEMENT_EXTERNS_TITLE, kind: IMPLEMENT_EXTERNS, data: { uri: textDocument.uri } });
      } else {
        const edits = implementMissingExterns(program, files.find((f) => f.path === key)!, files);
        if (edits.length > 0) actions.push({ title: IMPLEMENT_EXTERNS_TITLE, kind: IMPLEMENT_EXTERNS, edit: workspaceEdit(edits) });
      }
    }
    return actions;
  }),
);

connection.onCodeActionResolve(
  guard.request('codeAction/resolve', CODE_ACTION, (action: CodeAction) => {
    const uri = (action.data as { uri?: unknown } | undefined)?.uri;
    if (action.kind !== IMPLEMENT_EXTERNS || typeof uri !== 'string') return action;
    const key = keyOf(uri);
    const program = cProgram();
    const files = workspace.cFileTexts();
    const file = files.find((f) => f.path === key);
    // The C file closed or gone since: nothing to write into.
    if (!file) return action;
    return { ...action, edit: workspaceEdit(implementMissingExterns(program, file, files)) };
  }),
);

connection.onCodeLens(
  guard.request('textDocument/codeLens', DOC, ({ textDocument }: CodeLensParams, token: CancellationToken) => {
    if (token.isCancellationRequested) return cancelled();
    const key = keyOf(textDocument.uri);
    if (!workspace.tree(key)) return [];
    return codeLenses(cProgram(), key).map(
      (l): CodeLens => ({
        range: { start: documents.positionAt(key, l.range.start), end: documents.positionAt(key, l.range.end) },
        command: { title: l.title, command: 'valeFfi.showHeader', arguments: [textDocument.uri, l.header] },
      }),
    );
  }),
);

registerRequests(connection, guard, documents, cProgram);

connection.listen();
