/**
 * Progress of one influence call, shown with `showProgress: true` (Captum's `show_progress`):
 * the library's progress bar, labeled "<Method> influence".
 *
 * @module
 */
import { ProgressBar } from "../display/progress_bar.ts";
import type { CallProgress } from "../attr/_utils/progress.ts";

/** The progress of `method`'s `what` over `total` batches; silent unless `show`. */
export function influenceProgress(
  show: boolean | undefined,
  method: string,
  what: string,
  total: number,
): CallProgress {
  if (!show) return { advance: () => Promise.resolve(), finish: () => Promise.resolve() };
  const bar = new ProgressBar({ label: `${method} ${what}`, total });
  return {
    advance: (done) => bar.update(done, `${done}/${total} batches`),
    finish: () => bar.finish(`${total}/${total} batches`),
  };
}
