import assert from "node:assert/strict";
import { join } from "node:path";
import { locateChromium } from "../../../scripts/notebook/find_tools.ts";
import { chromiumArgs, renderHtml } from "../../../scripts/notebook/render_html.ts";
import { withTempDir } from "../../_helpers/temp_dir.ts";

const chromium = await locateChromium();

Deno.test("chromiumArgs() runs headless without a sandbox, in its own profile", () => {
  const args = chromiumArgs("/tmp/profile");
  assert.ok(args.includes("--headless") && args.includes("--no-sandbox"));
  assert.equal(args.at(-1), "--user-data-dir=/tmp/profile");
});

Deno.test("renderHtml() says how to install Chromium when it cannot start it", async () => {
  await withTempDir("render_html_", async (dir) => {
    const page = join(dir, "page.html");
    await Deno.writeTextFile(page, "<html><head></head><body></body></html>");
    await assert.rejects(
      renderHtml(page, { chromium: "/nonexistent/chromium" }),
      /^Error: Cannot render .*page\.html: chromium exited with 127/,
    );
  });
});

Deno.test({
  name: "renderHtml() counts drawn Plotly plots and collects page errors, leaving the page as is",
  ignore: chromium === undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await withTempDir("render_html_", async (dir) => {
      const page = join(dir, "page.html");
      const html = `<!DOCTYPE html><html><head><title>t</title></head><body>
<div class="js-plotly-plot"><svg class="main-svg"></svg><svg class="main-svg"></svg></div>
<div id="later"></div>
<script>
  console.error("logged <error> & more");
  setTimeout(function () {
    document.getElementById("later").className = "plot-container js-plotly-plot";
    throw new Error("late failure");
  }, 100);
</script></body></html>`;
      await Deno.writeTextFile(page, html);
      const shot = join(dir, "shots", "page.png");
      const report = await renderHtml(page, {
        chromium,
        screenshotPath: shot,
        windowSize: [400, 300],
        virtualTimeBudgetMs: 2000,
      });
      assert.equal(report.plotCount, 2);
      assert.equal(report.mainSvgCount, 2);
      assert.equal(report.errors.length, 1);
      assert.match(report.errors[0], /late failure/);
      assert.deepEqual(report.consoleErrors, ["logged <error> & more"]);
      assert.match(report.dom, /id="later"/);
      assert.equal(await Deno.readTextFile(page), html, "the page is untouched");
      const left = [];
      for await (const entry of Deno.readDir(dir)) left.push(entry.name);
      assert.deepEqual(left.sort(), ["page.html", "shots"], "the instrumented copy is removed");
      const png = await Deno.readFile(shot);
      assert.deepEqual([...png.slice(1, 4)], [0x50, 0x4e, 0x47], "a PNG screenshot");
    });
  },
});
