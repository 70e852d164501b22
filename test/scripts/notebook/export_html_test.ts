import assert from "node:assert/strict";
import { join } from "node:path";
import { exportHtml } from "../../../scripts/notebook/export_html.ts";
import { locateJupyter } from "../../../scripts/notebook/find_tools.ts";
import { withTempDir } from "../../_helpers/temp_dir.ts";
import { writeNotebook, writeScript } from "../../_helpers/tiny_notebook.ts";

Deno.test("exportHtml() calls nbconvert and answers the HTML path in outputDir", async () => {
  await withTempDir("export_html_", async (dir) => {
    const jupyter = join(dir, "jupyter");
    const record = join(dir, "args");
    await writeScript(jupyter, `echo "$@" > ${record}`);
    const html = await exportHtml({ jupyter }, join(dir, "nb.ipynb"), {
      outputDir: join(dir, "html"),
      template: "classic",
    });
    assert.equal(html, join(dir, "html", "nb.html"));
    assert.equal(
      (await Deno.readTextFile(record)).trim(),
      `nbconvert --to html --output-dir ${join(dir, "html")} --template=classic ${
        join(dir, "nb.ipynb")
      }`,
    );
    assert.ok((await Deno.stat(join(dir, "html"))).isDirectory, "outputDir created");
    assert.equal(await exportHtml({ jupyter }, join(dir, "nb.ipynb")), join(dir, "nb.html"));
  });
});

Deno.test("exportHtml() says why nbconvert failed", async () => {
  await withTempDir("export_html_", async (dir) => {
    const jupyter = join(dir, "jupyter");
    await writeScript(jupyter, "echo 'noise' >&2; echo 'no such template' >&2; exit 5");
    await assert.rejects(exportHtml({ jupyter }, join(dir, "nb.ipynb")), {
      message: `Cannot export ${
        join(dir, "nb.ipynb")
      } to HTML: jupyter nbconvert exited with 5: noise\nno such template`,
    });
  });
});

const tools = await locateJupyter();

Deno.test({
  name: "exportHtml() writes a notebook's HTML with the real nbconvert",
  ignore: tools === undefined,
  fn: async () => {
    await withTempDir("export_html_", async (dir) => {
      const notebook = join(dir, "tiny.ipynb");
      await writeNotebook(notebook, [
        { markdown: "# A tiny heading" },
        {
          code: "1 + 1",
          outputs: [{
            output_type: "execute_result",
            execution_count: 1,
            metadata: {},
            data: { "text/plain": "2" },
          }],
        },
      ]);
      const html = await exportHtml(tools!, notebook);
      assert.equal(html, join(dir, "tiny.html"));
      const text = await Deno.readTextFile(html);
      assert.match(text, /A tiny heading/);
      assert.match(text, /<pre>2<\/pre>/);
    });
  },
});
