// %% [markdown]
// # 3 · Train the network
//
// We train the classifier of notebook 2 the way the original tutorial did: the **Adam**
// optimizer with learning rate 0.001, the **softmax cross-entropy** loss between the network's
// logits and the true labels, batches of **64** images, **8 epochs** (passes over the training
// data), the examples reshuffled before every epoch.
//
// We hold out the last 5,000 of the 60,000 training images as a **validation set**: the
// network never trains on them, so the loss and accuracy measured on them after each epoch
// tell us how well it generalizes (and whether it starts to overfit).
//
// > **Quick mode.** With the environment variable `TUTORIAL_QUICK=1` (as the automated tests
// > set it), this notebook trains for 1 epoch on a small subset only, so the numbers below are
// > much worse than a full run's. The full run takes several minutes on a laptop CPU.

// %%
import {
  createClassifier,
  evaluateClassifier,
  loadFashionMnist,
  saveCheckpoint,
  sliceSplit,
  tf,
  trainClassifier,
  trainingCurvesFigure,
} from "../../lib/mod.ts";

const QUICK = Deno.env.get("TUTORIAL_QUICK") === "1";
const EPOCHS = QUICK ? 1 : 8;
const VALIDATION = 5000;

const all = await loadFashionMnist({ split: "train" });
const train = sliceSplit(all, 0, QUICK ? 2000 : all.count - VALIDATION);
const validation = sliceSplit(all, all.count - (QUICK ? 500 : VALIDATION));
const test = await loadFashionMnist({ split: "test", limit: QUICK ? 1000 : undefined });
console.log(QUICK ? "QUICK mode: 1 epoch on a subset" : "full run: 8 epochs");
console.log(
  `training on ${train.count} images, validating on ${validation.count}, testing on ${test.count}`,
);

// %% [markdown]
// ## Training
//
// `trainClassifier` runs the loop: for every batch it computes the loss, its gradient with
// respect to every weight, and lets Adam update the weights. A progress bar shows the running
// loss while an epoch runs; after each epoch it reports the mean training loss, the validation
// loss and the validation accuracy. The seeds (of the initial weights and of the shuffle) make
// the run reproducible.

// %%
const model = createClassifier({ seed: 0 });
const history = await trainClassifier(model, train, {
  epochs: EPOCHS,
  batchSize: 64,
  learningRate: 1e-3,
  seed: 0,
  validationData: validation,
  // One printed line per epoch, so a headless run (`deno task tutorial`) shows progress too.
  onEpochEnd: (log) =>
    console.log(
      `epoch ${log.epoch}/${EPOCHS}: train loss ${log.trainLoss.toFixed(4)}, ` +
        `validation loss ${log.valLoss.toFixed(4)}, accuracy ${log.valAccuracy.toFixed(4)} ` +
        `(${log.seconds.toFixed(0)} s, ${log.batchesPerSecond.toFixed(1)} batches/s)`,
    ),
});

// %% [markdown]
// ## Per-epoch losses and accuracy

// %%
console.table(
  history.epochs.map((e) => ({
    epoch: e.epoch,
    "train loss": e.trainLoss.toFixed(4),
    "validation loss": e.valLoss.toFixed(4),
    "validation accuracy": e.valAccuracy.toFixed(4),
    seconds: e.seconds.toFixed(1),
  })),
);

// %% [markdown]
// ## Training curves
//
// **How to read it.** The left panel shows the loss per epoch (lower is better), the right panel
// the validation accuracy. The training loss keeps falling as the network fits the training
// images; the validation loss falls too at first. If it turned back up while the training loss
// kept falling, the network would be memorizing the training set rather than learning
// (overfitting). In quick mode there is a single point per curve.

// %% tags=["figure"]
trainingCurvesFigure(history, {
  title: `Training curves of the Fashion-MNIST classifier (${EPOCHS} epoch${
    EPOCHS > 1 ? "s" : ""
  }, ${train.count} training images)`,
});

// %% [markdown]
// ## Test accuracy
//
// Finally the accuracy on the test images, which played no part in training or in choosing the
// recipe. The original PyTorch tutorial reached about 0.90 after 8 epochs.

// %%
const evaluation = evaluateClassifier(model, test);
console.log(
  `test loss ${evaluation.loss.toFixed(4)}, test accuracy ${
    evaluation.accuracy.toFixed(4)
  } on ${evaluation.count} images`,
);

// %% [markdown]
// ## Save the checkpoint
//
// `saveCheckpoint` writes the model in TensorFlow.js's standard layers format (`model.json`
// plus a binary weights file), which any TensorFlow.js loader can read.
//
// We save to the git-ignored `out/classifier/`, **not** to `data/classifier/`: the repository
// already carries a checkpoint trained with exactly this recipe (8 epochs, by
// `scripts/train_classifier.ts`) in `data/classifier/`, and the next notebooks load that one,
// so they give the same results whether or not you ran this notebook (and a quick run does not
// overwrite the good checkpoint).

// %%
const checkpointDir = "../out/classifier";
await saveCheckpoint(model, checkpointDir);
for await (const entry of Deno.readDir(checkpointDir)) {
  console.log(
    `${checkpointDir}/${entry.name}: ${
      (await Deno.stat(`${checkpointDir}/${entry.name}`)).size
    } bytes`,
  );
}

// %%
model.dispose();
console.log(`tensors still allocated: ${tf.memory().numTensors}`);

// %% [markdown]
// Next: [4 · Evaluate the network](04_evaluate.ipynb).
