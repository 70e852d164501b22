/**
 * Private: the HTML fragments that load plotly.js once and draw a figure into a `<div>`.
 *
 * @module
 */
import type { FigureSpec } from "./figure_spec.ts";
import { plotlySource } from "./plotly_source.ts";

let counter = 0;

/** A fresh element id for a figure's `<div>`. */
export function newFigureId(): string {
  counter += 1;
  return `captum-tfjs-fig-${crypto.randomUUID().slice(0, 8)}-${counter}`;
}

/**
 * `<script>` elements that define `window.Plotly` from the inlined bundle. While it runs,
 * `window.define` is hidden so that RequireJS (classic Notebook, nbconvert templates) does not
 * capture the UMD bundle as an anonymous AMD module; it is restored right after.
 */
export function plotlyLoaderHtml(): string {
  return [
    `<script type="text/javascript">/* captum-tfjs: hide AMD define while plotly.js loads */` +
    `window.__captumTfjsDefine = window.define; window.define = undefined;</script>`,
    `<script type="text/javascript" data-captum-tfjs="plotly.js">${plotlySource()}</script>`,
    `<script type="text/javascript">if (window.__captumTfjsDefine !== undefined) ` +
    `{ window.define = window.__captumTfjsDefine; } window.__captumTfjsDefine = undefined;</script>`,
  ].join("\n");
}

function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/**
 * A `<div>` and a `<script>` that draws `spec` into it with `Plotly.newPlot`, waiting (up to
 * about 30 s) for `window.Plotly` to exist, so that it works whether plotly.js is loaded before
 * or after it on the page.
 */
export function figureDivHtml(spec: FigureSpec, id: string): string {
  const w = typeof spec.layout.width === "number" ? `${spec.layout.width}px` : "100%";
  const h = typeof spec.layout.height === "number" ? `${spec.layout.height}px` : "450px";
  return `<div id="${id}" class="captum-tfjs-figure" style="width:${w};height:${h};"></div>
<script type="text/javascript">(function () {
  var spec = ${jsonForScript(spec)};
  var tries = 0;
  function draw() {
    var el = document.getElementById(${JSON.stringify(id)});
    if (el && window.Plotly && typeof window.Plotly.newPlot === "function") {
      window.Plotly.newPlot(el, spec.data, spec.layout, spec.config);
      return;
    }
    if (++tries > 600) {
      if (el) el.textContent = "plotly.js is not loaded on this page. It is sent once per kernel " +
        "session with the first figure: re-run the cell of the first figure (or restart the " +
        "kernel and run all).";
      return;
    }
    setTimeout(draw, 50);
  }
  draw();
})();</script>`;
}
