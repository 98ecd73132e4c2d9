import { TextDocument } from 'vscode-languageserver-textdocument';
import { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { TextEdit, Workspace } from '../../shared';

/**
 * Open documents: keeps the LSP view (versions, positions) and feeds each
 * change to the core as an offset edit so it can re-parse incrementally.
 */
export class Documents {
  private readonly open = new Map<string, TextDocument>();

  constructor(private readonly workspace: Workspace) {}

  get(uri: string): TextDocument | undefined {
    return this.open.get(uri);
  }

  didOpen(uri: string, languageId: string, version: number, text: string): void {
    this.open.set(uri, TextDocument.create(uri, languageId, version, text));
    this.workspace.setFile(uri, text);
  }

  didChange(uri: string, version: number, changes: readonly TextDocumentContentChangeEvent[]): void {
    let doc = this.open.get(uri);
    if (!doc) return;
    const edits: TextEdit[] = [];
    for (const change of changes) {
      if ('range' in change) {
        edits.push({ start: doc.offsetAt(change.range.start), end: doc.offsetAt(change.range.end), newText: change.text });
      } else {
        edits.push({ start: 0, end: doc.getText().length, newText: change.text });
      }
      doc = TextDocument.update(doc, [change], version);
    }
    this.open.set(uri, doc);
    this.workspace.editFile(uri, edits);
  }

  didClose(uri: string): void {
    this.open.delete(uri);
  }
}
