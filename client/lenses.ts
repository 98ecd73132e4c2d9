// Code lenses drawn in the wrong file: the cause is in VS Code (1.100, editor/contrib/codelens).
// When an editor switches files it disposes the previous file's lens list but keeps it as its
// current one; a resolve pass that ends before the new file's lenses arrive (the editor's layout
// changed: a panel or an editor opened beside) stores that list in the lens cache under the new
// file's URI. The editor waits 250 ms before it asks for lenses and gives up when it loses the
// focus meanwhile (the command palette, a click elsewhere), so nothing replaces the entry, and
// the next time the file is shown the cache draws the other file's lenses at the other file's
// lines. The remedy here: after a switch, ask again a few times, so the new file's own lenses
// arrive even when the editor lost the focus, and they replace the cache entry.
// The end-to-end scenario "a file shown again never draws the lenses of the file shown before
// it" reproduces the sequence (it fails without this).

/** When the client asks for the active file's lenses again after a switch (ms). */
export const LENS_REFRESH_DELAYS: readonly number[] = [0, 500, 1_500];

/** Runs an ask at each delay after a switch; a newer switch replaces the pending asks. */
export class LensRefresh {
  private timers: ReturnType<typeof setTimeout>[] = [];

  constructor(private readonly delays: readonly number[] = LENS_REFRESH_DELAYS) {}

  /** The editor now shows another file: `ask` for its lenses (it names the file, which may not be active by then). */
  switched(ask: () => void): void {
    this.dispose();
    this.timers = this.delays.map((d) => setTimeout(ask, d));
  }

  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }
}
