// Work-done progress that only appears when the work is slow: a fast warm run
// (build-cache replay) should not flash a notification.
import type { Connection } from 'vscode-languageserver';

export interface ProgressHandle { done(): void }
export type ProgressStarter = (title: string, message: string) => ProgressHandle;

export function delayedProgress(connection: Connection, enabled: () => boolean, delayMs = 300): ProgressStarter {
  return (title, message) => {
    let finished = false;
    let end: (() => void) | undefined;
    const timer = setTimeout(() => {
      if (!enabled()) return;
      connection.window.createWorkDoneProgress().then((reporter) => {
        if (finished) {
          reporter.done();
          return;
        }
        reporter.begin(title, undefined, message, false);
        end = () => reporter.done();
      }, () => { /* the client refused; the status bar still shows the state */ });
    }, delayMs);
    return {
      done() {
        finished = true;
        clearTimeout(timer);
        end?.();
        end = undefined;
      },
    };
  };
}
