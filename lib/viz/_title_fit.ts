/**
 * Private: fitting titles to a width in pixels, by wrapping them at spaces (Plotly's `<br>`) and,
 * when that is not enough, shrinking the font. Text widths are estimated from Arial's advance
 * widths times a safety factor (plotly.js asks for "Open Sans", verdana, arial; which of them a
 * browser has varies), so the estimate errs on the wide side.
 *
 * @module
 */

/** Arial advance widths in 1/1000 em for ASCII 32..126. */
const ARIAL = [
  278,
  278,
  355,
  556,
  556,
  889,
  667,
  191,
  333,
  333,
  389,
  584,
  278,
  333,
  278,
  278, // space../
  556,
  556,
  556,
  556,
  556,
  556,
  556,
  556,
  556,
  556,
  278,
  278,
  584,
  584,
  584,
  556, // 0..?
  1015,
  667,
  667,
  722,
  722,
  667,
  611,
  778,
  722,
  278,
  500,
  667,
  556,
  833,
  722,
  778, // @..O
  667,
  778,
  722,
  667,
  611,
  722,
  667,
  944,
  667,
  667,
  611,
  278,
  278,
  278,
  469,
  556, // P.._
  333,
  556,
  556,
  500,
  556,
  556,
  278,
  556,
  556,
  222,
  222,
  500,
  222,
  833,
  556,
  556, // `..o
  556,
  556,
  333,
  500,
  278,
  556,
  500,
  722,
  500,
  500,
  500,
  334,
  260,
  334,
  584, // p..~
];

/** How much wider than Arial the fonts a browser may pick can be (Open Sans ≈ 1.08). */
const SAFETY = 1.15;

/** Plotly's line spacing for multi-line text, in font sizes. */
export const LINE_SPACING = 1.3;

/** Estimated width of `text` (HTML tags ignored, entities as one character) in pixels. */
export function textWidthPx(text: string, fontSize: number): number {
  const plain = text.replace(/<[^>]*>/g, "").replace(/&[#\w]+;/g, "x");
  let units = 0;
  for (const ch of plain) {
    const code = ch.codePointAt(0)!;
    units += code >= 32 && code <= 126 ? ARIAL[code - 32] : 600;
  }
  return (units / 1000) * fontSize * SAFETY;
}

/**
 * Greedy word wrap of `text` to lines at most `maxWidthPx` wide. Existing `<br>` breaks are kept;
 * spaces inside HTML tags are not break points; a word wider than the line stays whole.
 */
export function wrapText(text: string, maxWidthPx: number, fontSize: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/<br\s*\/?>/i)) {
    let line = "";
    for (const word of paragraph.split(/ (?![^<]*>)/)) {
      const candidate = line === "" ? word : `${line} ${word}`;
      if (line !== "" && textWidthPx(candidate, fontSize) > maxWidthPx) {
        lines.push(line);
        line = word;
      } else {
        line = candidate;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** A title fitted to a width. */
export interface FittedTitle {
  /** The text with `<br>` line breaks. */
  text: string;
  fontSize: number;
  lines: number;
  /** Height of the text in pixels. */
  heightPx: number;
}

/**
 * Fit `text` into `maxWidthPx`: the largest font size from `fontSize` down to `minFontSize` at
 * which it wraps into at most `maxLines` lines that all fit; failing that, wrapped at
 * `minFontSize` in as many lines as it takes.
 */
export function fitTitle(
  text: string,
  maxWidthPx: number,
  { fontSize, minFontSize = Math.min(fontSize, 10), maxLines = 2 }: {
    fontSize: number;
    minFontSize?: number;
    maxLines?: number;
  },
): FittedTitle {
  const result = (lines: string[], size: number): FittedTitle => ({
    text: lines.join("<br>"),
    fontSize: size,
    lines: lines.length,
    heightPx: Math.ceil(lines.length * size * LINE_SPACING),
  });
  for (let size = fontSize; size >= minFontSize; size--) {
    const lines = wrapText(text, maxWidthPx, size);
    if (lines.length <= maxLines && lines.every((l) => textWidthPx(l, size) <= maxWidthPx)) {
      return result(lines, size);
    }
  }
  return result(wrapText(text, maxWidthPx, minFontSize), minFontSize);
}
