// %% [markdown]
// # 4 · Evaluate the network
//
// This notebook evaluates the **pretrained checkpoint committed with the repository** in
// `data/classifier/`: the network of notebook 2 trained with the recipe of notebook 3 for the
// full 8 epochs. Loading it means this notebook (and the attribution notebooks after it) does
// not depend on having run notebook 3, and gives the same numbers for every reader.
//
// We measure how often it is right on the 10,000 test images, how good it is per class, and
// which classes it mixes up.

// %%
import {
  classificationReport,
  confusionMatrix,
  confusionMatrixFigure,
  evaluateClassifier,
  FASHION_MNIST_CLASSES,
  formatClassificationReport,
  imageGridFigure,
  loadCheckpoint,
  loadFashionMnist,
  misclassifiedIndices,
  mostConfusedPairs,
  PRETRAINED_CLASSIFIER_DIR,
  tf,
  toTensors,
} from "../../lib/mod.ts";

const QUICK = Deno.env.get("TUTORIAL_QUICK") === "1";
const model = await loadCheckpoint(PRETRAINED_CLASSIFIER_DIR);
const test = await loadFashionMnist({ split: "test", limit: QUICK ? 2000 : undefined });
console.log(`loaded the checkpoint from ${PRETRAINED_CLASSIFIER_DIR}`);
console.log(`evaluating on ${test.count} test images${QUICK ? " (QUICK mode: a subset)" : ""}`);

// %% [markdown]
// ## Accuracy
//
// `evaluateClassifier` runs the network on the test images in batches and compares the class
// with the highest logit to the true label. Accuracy is the fraction it gets right; the loss is
// the mean softmax cross-entropy (how much probability the network gives the right class).

// %%
const evaluation = evaluateClassifier(model, test);
const predictions = evaluation.predictions;
console.log(`test accuracy: ${evaluation.accuracy.toFixed(4)}`);
console.log(`test loss:     ${evaluation.loss.toFixed(4)}`);

// %% [markdown]
// ## Classification report
//
// Accuracy hides differences between classes. For each class:
//
// - **precision**: of the images predicted as this class, the fraction that really are;
// - **recall**: of the images of this class, the fraction predicted as this class;
// - **f1-score**: the harmonic mean of the two;
// - **support**: how many test images the class has.
//
// The macro average weighs every class equally, the weighted average weighs classes by support.

// %%
const labels = Array.from(test.labels);
const report = classificationReport(labels, predictions, { classNames: FASHION_MNIST_CLASSES });
console.log(formatClassificationReport(report, { digits: 3 }));

// %% [markdown]
// ## Confusion matrix
//
// Row *i*, column *j* counts the test images of true class *i* that the network predicted as
// class *j*. **How to read it:** the diagonal holds the correct predictions; every bright cell
// off the diagonal is a pair of classes the network confuses. Zeros are left blank so that the
// mistakes stand out.

// %% tags=["figure"]
const matrix = confusionMatrix(labels, predictions, FASHION_MNIST_CLASSES.length);
confusionMatrixFigure(matrix.counts, FASHION_MNIST_CLASSES, {
  title: `Confusion matrix of the pretrained classifier on ${test.count} test images (counts)`,
});

// %% [markdown]
// The same matrix with each row divided by its total: the diagonal is then the recall of each
// class, and an off-diagonal cell is the fraction of a class that goes to the wrong class.

// %% tags=["figure"]
confusionMatrixFigure(matrix.counts, FASHION_MNIST_CLASSES, {
  normalize: true,
  title: "Confusion matrix, row-normalized (fraction of each true class per predicted class)",
});

// %% [markdown]
// ## Which classes are confused
//
// The largest off-diagonal cells of the matrix, found by `mostConfusedPairs`: each pair's
// count, and its rate (the share of the true class that went to the wrong class). The tops (T-shirt/top, Pullover, Coat,
// Shirt) look alike at 28 × 28 pixels, and *Shirt* is typically the hardest class; footwear
// (Sandal, Sneaker, Ankle boot) is mixed up among itself but rarely with clothes.

// %%
const confusedPairs = mostConfusedPairs(matrix, { k: 8, classNames: FASHION_MNIST_CLASSES });
console.table(confusedPairs.map((pair) => ({
  "true class": pair.trueName,
  "predicted as": pair.predictedName,
  images: pair.count,
  "share of the true class": pair.rate.toFixed(3),
})));

// %% [markdown]
// Some of the misclassified test images, titled "true → predicted". Many are hard even for a
// person; these are the kinds of images whose explanations are most instructive in the next
// notebooks.

// %% tags=["figure"]
const wrong = misclassifiedIndices(labels, predictions, { limit: 16 });
const wrongImages = tf.tidy(() => tf.gather(toTensors(test).xs, wrong));
imageGridFigure(wrongImages, {
  labels: wrong.map((i) =>
    `${FASHION_MNIST_CLASSES[labels[i]]} → ${FASHION_MNIST_CLASSES[predictions[i]]}`
  ),
  columns: 8,
  title: "Misclassified test images (true class → predicted class)",
});

// %%
tf.dispose(wrongImages);
model.dispose();
console.log(`tensors still allocated: ${tf.memory().numTensors}`);

// %% [markdown]
// Next: [5 · Primary attribution](05_primary_attribution.ipynb): *why* does the network predict
// what it predicts?
