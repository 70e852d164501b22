// %% [markdown]
// # 1 · Load the Fashion-MNIST data
//
// This tutorial trains a small convolutional network on
// [Fashion-MNIST](https://github.com/zalandoresearch/fashion-mnist) and then asks, with the
// attribution methods of this library (a TensorFlow.js port of
// [Captum](https://captum.ai)), *why* the network predicts what it predicts.
//
// The notebooks run in order, but each one also runs on its own:
//
// 1. **Load the data** (this notebook)
// 2. Define the network
// 3. Train it (and save a checkpoint)
// 4. Evaluate it
// 5. Primary attribution: which input pixels matter
// 6. Layer attribution: which parts of a hidden layer matter
// 7. Neuron attribution: which input pixels drive one hidden neuron
//
// Everything the notebooks use comes from the library's single entry point, `lib/mod.ts`.
// Importing it also selects TensorFlow.js's fast WebAssembly backend.

// %%
import {
  classCounts,
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_DIR,
  imageGridFigure,
  loadFashionMnist,
  sliceSplit,
  tf,
  toTensors,
} from "../../lib/mod.ts";

console.log(`TensorFlow.js ${tf.version.tfjs}, backend: ${tf.getBackend()}`);

// %% [markdown]
// ## The files
//
// Fashion-MNIST ships as four gzip-compressed IDX files (training and test images and labels).
// The repository carries them in `data/fashion-mnist/`; `loadFashionMnist` reads a split,
// checks every file's SHA-256 checksum, and (if a file is missing) downloads it from the
// official mirror. Pixel values are scaled from 0–255 to floats in [0, 1].

// %%
const train = await loadFashionMnist({ split: "train" });
const test = await loadFashionMnist({ split: "test" });
console.log(`data folder: ${FASHION_MNIST_DIR}`);
console.log(`training set: ${train.count} images`);
console.log(`test set:     ${test.count} images`);
console.log(`each image:   28 × 28 pixels, one grey channel, values in [0, 1]`);

// %% [markdown]
// ## The ten classes
//
// Every image shows one article of clothing from Zalando's catalogue, labelled with one of ten
// classes. Both splits are balanced: 6,000 training and 1,000 test images per class.

// %%
const trainCounts = classCounts(train.labels, FASHION_MNIST_CLASSES.length);
const testCounts = classCounts(test.labels, FASHION_MNIST_CLASSES.length);
console.table(
  FASHION_MNIST_CLASSES.map((name, label) => ({
    label,
    class: name,
    "training images": trainCounts[label],
    "test images": testCounts[label],
  })),
);

// %% [markdown]
// ## As tensors
//
// The network takes a batch of images as a 4-D tensor in TensorFlow.js's usual NHWC layout:
// `[batch, height, width, channels]`. `toTensors` converts a split (here the first 64 test
// images) into an image tensor and a label tensor.

// %%
const { xs, ys } = toTensors(sliceSplit(test, 0, 64));
console.log(`images: shape [${xs.shape}], dtype ${xs.dtype}`);
console.log(`labels: shape [${ys.shape}], dtype ${ys.dtype}`);
console.log(
  `pixel range: ${tf.tidy(() => xs.min().dataSync()[0])} … ${
    tf.tidy(() => xs.max().dataSync()[0])
  }`,
);
console.log(`first labels: ${Array.from(ys.dataSync().slice(0, 8))}`);

// %% [markdown]
// ## A look at the images
//
// The first 32 test images with their labels. The images are small and grey: what tells a
// shirt from a T-shirt or a pullover is mostly the outline and the sleeves, which is worth
// remembering when we later look at which pixels the network relies on.

// %% tags=["figure"]
const first32 = xs.slice(0, 32);
imageGridFigure(first32, {
  labels: Array.from(ys.dataSync().slice(0, 32)),
  classNames: FASHION_MNIST_CLASSES,
  columns: 8,
  title: "The first 32 Fashion-MNIST test images with their labels",
});

// %% [markdown]
// One example of each class, to see the ten classes side by side:

// %% tags=["figure"]
const firstOfClass = FASHION_MNIST_CLASSES.map((_, label) => test.labels.indexOf(label));
const oneEach = tf.tidy(() => tf.gather(toTensors(test).xs, firstOfClass));
imageGridFigure(oneEach, {
  labels: FASHION_MNIST_CLASSES.map((_, label) => label),
  classNames: FASHION_MNIST_CLASSES,
  columns: 5,
  title: "One test image of each Fashion-MNIST class",
});

// %%
tf.dispose([xs, ys, first32, oneEach]);
console.log(`tensors still allocated: ${tf.memory().numTensors}`);

// %% [markdown]
// Next: [2 · Define the network](02_define_network.ipynb).
