import assert from "node:assert/strict";
import {
  HtmlOutput,
  tf,
  VisualizationDataRecord,
  visualizeText,
  wordColor,
} from "../../lib/mod.ts";

const record = (
  overrides: Partial<ConstructorParameters<typeof VisualizationDataRecord>[0]> = {},
) =>
  new VisualizationDataRecord({
    wordAttributions: [0.5, -1, 0, 2],
    predProb: 0.876,
    predClass: "pos",
    trueClass: "neg",
    attrClass: "pos",
    attrScore: 1.5,
    rawInputIds: ["<s>", "bad", "a&b", "good"],
    convergenceScore: 0.01,
    ...overrides,
  });

Deno.test("`wordColor()` is Captum's: green for positive, red for negative, clipped to −1..1", () => {
  assert.equal(wordColor(0.5), "hsl(120, 75%, 75%)");
  assert.equal(wordColor(1), "hsl(120, 75%, 50%)");
  assert.equal(wordColor(3), "hsl(120, 75%, 50%)");
  assert.equal(wordColor(-1), "hsl(0, 75%, 60%)");
  assert.equal(wordColor(-0.33), "hsl(0, 75%, 87%)"); // int(13.2) = 13
  assert.equal(wordColor(0), "hsl(0, 75%, 100%)");
});

Deno.test("`visualizeText()` writes one row per record with Captum's cells and colours", () => {
  const out = visualizeText([record(), record({ predProb: 0.1, trueClass: 3 })]);
  assert.ok(out instanceof HtmlOutput);
  const html = out.html;
  assert.equal((html.match(/<tr>/g) ?? []).length, 3); // header + 2 rows, each closed
  assert.equal((html.match(/<\/tr>/g) ?? []).length, 3);
  assert.match(
    html,
    /<th>True Label<\/th><th>Predicted Label<\/th><th>Attribution Label<\/th><th>Attribution Score<\/th><th>Word Importance<\/th>/,
  );
  assert.match(html, /<b>pos \(0\.88\)<\/b>/);
  assert.match(html, /<b>1\.50<\/b>/);
  assert.match(html, /background-color: hsl\(120, 75%, 75%\).*> #s </);
  assert.match(html, /> a&amp;b </); // escaped
  assert.match(html, /background-color: hsl\(120, 75%, 50%\).*> good </); // 2 clipped to 1
  assert.match(html, /Legend: /);
  assert.equal(out.description, "Text attributions: 2 records");
  assert.doesNotMatch(visualizeText([record()], { legend: false }).html, /Legend/);
});

Deno.test("`VisualizationDataRecord` reads a tensor once and keeps numbers", () => {
  const t = tf.tensor1d([0.1, 0.2]);
  const r = record({ wordAttributions: t, rawInputIds: ["x", "y"] });
  assert.equal(t.isDisposed, false);
  t.dispose();
  assert.deepEqual(r.wordAttributions.map((v) => Math.round(v * 10) / 10), [0.1, 0.2]);
  assert.match(visualizeText([r]).html, /> x <\/font><\/mark><mark/);
});

Deno.test("`visualizeText()` errors name the argument, the value and the fix", () => {
  assert.throws(
    () => record({ wordAttributions: [[1, 2]] }),
    /^TypeError: Cannot visualize text attributions: wordAttributions must be 1-D \(one value per word\), received shape \[1, 2\]\. Sum the attributions over the embedding axis first\./,
  );
  assert.throws(
    () => record({ wordAttributions: [1] }),
    /rawInputIds must have at most one word per attribution \(1\), received 4 words/,
  );
  assert.throws(
    () => visualizeText([{} as VisualizationDataRecord]),
    /datarecords\[0\] must be a VisualizationDataRecord, received object/,
  );
});
