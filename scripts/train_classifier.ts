/**
 * Reproduce the pretrained checkpoint in `data/classifier/`: the tutorial CNN trained for 8 epochs
 * (Adam, lr 1e-3, batch 64) on the first 55,000 training images, validated on the last 5,000
 * after every epoch, then evaluated on the 10,000 test images.
 *
 * ```sh
 * deno run -A scripts/train_classifier.ts [outDir]   # default outDir: data/classifier
 * ```
 *
 * @module
 */
import {
  createClassifier,
  evaluateClassifier,
  loadFashionMnist,
  PRETRAINED_CLASSIFIER_DIR,
  saveCheckpoint,
  sliceSplit,
  tf,
  trainClassifier,
} from "../lib/mod.ts";

const outDir = Deno.args[0] ?? PRETRAINED_CLASSIFIER_DIR;
const SEED = 0;
const VALIDATION = 5000;

const all = await loadFashionMnist({ split: "train" });
const train = sliceSplit(all, 0, all.count - VALIDATION);
const validation = sliceSplit(all, all.count - VALIDATION);
const test = await loadFashionMnist({ split: "test" });
console.log(
  `backend ${tf.getBackend()}; ${train.count} training, ${validation.count} validation, ${test.count} test images`,
);

const model = createClassifier({ seed: SEED });
const history = await trainClassifier(model, train, {
  epochs: 8,
  batchSize: 64,
  learningRate: 1e-3,
  seed: SEED,
  validationData: validation,
  onEpochEnd: (log) => console.log(JSON.stringify(log)),
});
const result = evaluateClassifier(model, test);
console.log(`test loss ${result.loss.toFixed(4)}, test accuracy ${result.accuracy.toFixed(4)}`);
await saveCheckpoint(model, outDir);
await Deno.writeTextFile(
  `${outDir}/training_history.json`,
  JSON.stringify(
    {
      seed: SEED,
      trainExamples: train.count,
      validationExamples: validation.count,
      backend: tf.getBackend(),
      testLoss: result.loss,
      testAccuracy: result.accuracy,
      epochs: history.epochs,
    },
    null,
    2,
  ) + "\n",
);
console.log(`saved ${outDir}`);
