// %% [markdown]
// # 2 · Define the network
//
// The classifier is the small convolutional network of the original PyTorch/Captum tutorial,
// built with TensorFlow.js layers by `createClassifier`:
//
// | layer     | what it does                                      | output shape    |
// |-----------|---------------------------------------------------|-----------------|
// | `conv1`   | 32 filters of 3 × 3, "same" padding               | 28 × 28 × 32    |
// | `relu1`   | ReLU                                              | 28 × 28 × 32    |
// | `conv2`   | 16 filters of 3 × 3, "same" padding               | 28 × 28 × 16    |
// | `relu2`   | ReLU                                              | 28 × 28 × 16    |
// | `flatten` | flattens the feature maps                         | 12,544          |
// | `dense`   | fully connected, one output per class             | 10              |
//
// The network outputs **logits**: ten unnormalized scores, one per class. A softmax turns them
// into probabilities. The ReLUs are separate, named layers so that the layer-attribution
// notebook can look at a convolution's output before or after its activation.

// %%
import {
  CLASSIFIER_LAYER_NAMES,
  classProbabilitiesFigure,
  createClassifier,
  FASHION_MNIST_CLASSES,
  loadFashionMnist,
  tf,
  toTensors,
} from "../../lib/mod.ts";

const model = createClassifier({ seed: 0 });
console.log(`layers: ${CLASSIFIER_LAYER_NAMES.join(" → ")}`);

// %% [markdown]
// ## Summary
//
// TensorFlow.js prints each layer with its output shape (`null` stands for the batch size) and
// its number of trainable parameters. Almost all of the 130,394 parameters sit in the dense
// layer, which connects each of the 12,544 feature values to each of the 10 classes.

// %%
model.summary();

// %% [markdown]
// ## A forward pass on a batch
//
// We feed a batch of eight test images through the (still untrained) network. The input is
// `[8, 28, 28, 1]`; the output holds one row of ten logits per image.

// %%
const test = await loadFashionMnist({ split: "test", limit: 8 });
const { xs, ys } = toTensors(test);
const logits = model.predict(xs) as tf.Tensor2D;
const probabilities = tf.softmax(logits);
console.log(`input shape:  [${xs.shape}]`);
console.log(`output shape: [${logits.shape}]  (one logit per class for each image)`);
console.log(
  `first row of logits: ${
    Array.from(logits.dataSync().slice(0, 10), (v) => v.toFixed(3)).join(", ")
  }`,
);

// %% [markdown]
// With random initial weights, the probabilities are all close to 1/10: the network has not
// learned anything yet, and its "prediction" (the class with the highest probability) is
// essentially a guess. Notebook 3 trains it.

// %%
const predicted = Array.from(tf.tidy(() => logits.argMax(1).dataSync()));
const probs = probabilities.arraySync();
console.table(
  Array.from(ys.dataSync(), (label, i) => ({
    "true class": FASHION_MNIST_CLASSES[label],
    "predicted (untrained)": FASHION_MNIST_CLASSES[predicted[i]],
    probability: probs[i][predicted[i]].toFixed(3),
  })),
);

// %% tags=["figure"]
classProbabilitiesFigure(probabilities.slice(0, 1), FASHION_MNIST_CLASSES, {
  trueLabel: test.labels[0],
  title: `Class probabilities of the untrained network for test image 0 (a ${
    FASHION_MNIST_CLASSES[test.labels[0]]
  })`,
});

// %%
tf.dispose([xs, ys, logits, probabilities]);
console.log(`tensors still allocated: ${tf.memory().numTensors} (the model's weights)`);

// %% [markdown]
// Next: [3 · Train the network](03_train.ipynb).
