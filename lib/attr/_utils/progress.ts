/**
 * Progress of one attribution call, shown with `showProgress: true` (Captum's `show_progress`):
 * the trainer's bar, on stderr in a terminal and as one display updated in place in Jupyter.
 *
 * @module
 */
import { ProgressBar } from "../../display/progress_bar.ts";

/** Advances one call's progress; a no-op when progress is not shown. */
export interface CallProgress {
  /** `done` of the call's units are complete; resolves once Jupyter has the update. */
  advance(done: number): Promise<void>;
  /** The call completed. */
  finish(): Promise<void>;
}

const SILENT: CallProgress = {
  advance: () => Promise.resolve(),
  finish: () => Promise.resolve(),
};

/**
 * The progress of `method`'s call over `total` units named `unit` (e.g. "steps",
 * "perturbations"), shown when `show` is true, labeled "<method> attribution" as Captum's (a
 * metric, named in lower camel case, by its name alone).
 */
export function callProgress(
  show: boolean | undefined,
  method: string,
  total: number,
  unit: string,
): CallProgress {
  if (!show) return SILENT;
  const isMetric = method[0] === method[0].toLowerCase();
  const bar = new ProgressBar({ label: isMetric ? method : `${method} attribution`, total });
  return {
    advance: (done) => bar.update(done, `${done}/${total} ${unit}`),
    finish: () => bar.finish(`${total}/${total} ${unit}`),
  };
}
