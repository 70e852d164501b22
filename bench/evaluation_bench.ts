/**
 * Notebook 08's comparison, as the notebook runs it: `compareExplainers` over the tutorial CNN's
 * explainers (`tutorialExplainers()`: every primary method of notebook 05, Grad-CAM and the
 * edge-detector control) on the first 100 test images, sanity checks on the first 16. Each method
 * is compared on its own so that its time is measured; the summary prints the seconds per method,
 * the total, the deletion AUC and the sanity verdicts. `BENCH_QUICK=1` runs the tutorial's quick
 * settings on 24 images.
 */
import {
  compareExplainers,
  loadCheckpoint,
  loadFashionMnist,
  PRETRAINED_CLASSIFIER_DIR,
  toTensors,
  tutorialExplainers,
} from "../lib/mod.ts";
import { printTable } from "./_report.ts";

const QUICK = Deno.env.get("BENCH_QUICK") === "1";
const IMAGES = QUICK ? 24 : 100;
const model = await loadCheckpoint(PRETRAINED_CLASSIFIER_DIR);
const { xs, ys } = toTensors(await loadFashionMnist({ split: "test", limit: IMAGES }));
ys.dispose();
const explainers = tutorialExplainers({ quick: QUICK });
const settings = { sanityImages: QUICK ? 8 : 16, faithfulnessSamples: QUICK ? 20 : 50, seed: 0 };

Deno.bench({
  name: `notebook 08 comparison, ${IMAGES} images, all methods (printed)`,
  n: 1,
  warmup: 0,
}, async () => {
  const rows: string[][] = [];
  let total = 0;
  for (const [name, explainer] of Object.entries(explainers)) {
    const started = performance.now();
    const result = await compareExplainers(model, { [name]: explainer }, xs, {
      ...settings,
      showProgress: false,
    });
    const seconds = (performance.now() - started) / 1000;
    total += seconds;
    const deletion = result.table.find((r) => r.method === name && /deletion/i.test(r.metric));
    const verdict = result.sanity[name];
    rows.push([
      name,
      seconds.toFixed(1),
      deletion ? deletion.mean.toFixed(3) : "—",
      verdict.passesRandomization ? "pass" : "FAIL",
      verdict.passesRandomLogit ? "pass" : "FAIL",
    ]);
  }
  rows.push(["all methods", total.toFixed(1), "", "", ""]);
  printTable(
    ["method (notebook 08 settings)", "s", "deletion AUC", "randomization", "random logit"],
    rows,
  );
});

globalThis.addEventListener("unload", () => xs.dispose());
