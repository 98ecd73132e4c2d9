import { Connection, Diagnostic as LspDiagnostic, DiagnosticSeverity } from 'vscode-languageserver/node';
import { Diagnostic, Workspace } from '../../shared';
import { Documents } from './documents';

const SEVERITY: Record<Diagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/**
 * Publishes diagnostics after changes. The edited file goes first; the rest
 * follow in small batches, and a newer change cancels the pass in progress
 * (it starts again from the newest state). Only files whose diagnostics
 * changed are sent; the core reuses every check an edit could not affect.
 */
export class DiagnosticsPublisher {
  private generation = 0;
  private readonly sent = new Map<string, string>();
  private pending = new Set<string>();

  constructor(private readonly connection: Connection, private readonly workspace: Workspace, private readonly documents: Documents) {}

  toLsp(key: string, d: Diagnostic): LspDiagnostic {
    const pos = (o: number) => this.documents.positionAt(key, o);
    return {
      range: { start: pos(d.start), end: pos(d.end) },
      severity: SEVERITY[d.severity],
      code: d.code,
      source: 'vale-ffi',
      message: d.message,
      relatedInformation: d.related?.map((r) => ({
        location: { uri: this.documents.uriOf(r.file), range: { start: this.documents.positionAt(r.file, r.start), end: this.documents.positionAt(r.file, r.end) } },
        message: r.message,
      })),
    };
  }

  schedule(first?: string): void {
    if (first) this.pending.add(first);
    const generation = ++this.generation;
    setImmediate(() => void this.run(generation));
  }

  private async run(generation: number): Promise<void> {
    if (generation !== this.generation) return;
    const first = [...this.pending];
    this.pending = new Set();
    const files = [...new Set([...first, ...this.workspace.files()])];
    const edited = new Set(first);
    for (let i = 0; i < files.length; i++) {
      if (generation !== this.generation) {
        // A newer change arrived: it re-runs everything, including what this pass did not reach.
        for (const f of first) this.pending.add(f);
        return;
      }
      this.publish(files[i], edited.has(files[i]));
      if (i % 25 === 24) await new Promise((resolve) => setImmediate(resolve));
    }
    for (const key of [...this.sent.keys()]) {
      if (!this.workspace.tree(key)) {
        this.sent.delete(key);
        void this.connection.sendDiagnostics({ uri: this.documents.uriOf(key), diagnostics: [] });
      }
    }
  }

  /** Sends a file's diagnostics when they changed, or always for a document just edited (`fresh`): its new version gets an answer. */
  private publish(key: string, fresh: boolean): void {
    const diagnostics = this.workspace.diagnostics(key).map((d) => this.toLsp(key, d));
    const json = JSON.stringify(diagnostics);
    if (!fresh && this.sent.get(key) === json) return;
    if (!fresh && diagnostics.length === 0 && !this.sent.has(key)) return;
    this.sent.set(key, json);
    const uri = this.documents.uriOf(key);
    void this.connection.sendDiagnostics({ uri, version: this.documents.get(uri)?.version, diagnostics });
  }
}
