import { shownParts } from './io';

/**
 * Display width: how many terminal columns text takes
 * (docs/cli.md#tables). A grapheme (what a reader sees as one character,
 * `Intl.Segmenter`) counts 2 when it is an emoji — emoji presentation, a
 * pictograph with VS16, a skin tone or a ZWJ sequence, a regional-indicator
 * flag, a keycap — or starts with an East Asian Wide or Fullwidth character;
 * 0 when it starts with a combining mark or a zero-width character (format
 * characters such as ZWJ and ZWSP, variation selectors, other default
 * ignorables); else 1.
 */

/** East Asian Width W and F blocks that are not emoji (emoji are matched by their own properties). */
const WIDE =
  /^[\u{1100}-\u{115f}\u{2329}\u{232a}\u{2e80}-\u{303e}\u{3041}-\u{33ff}\u{3400}-\u{4dbf}\u{4e00}-\u{9fff}\u{a000}-\u{a4cf}\u{a960}-\u{a97f}\u{ac00}-\u{d7a3}\u{f900}-\u{faff}\u{fe10}-\u{fe19}\u{fe30}-\u{fe6f}\u{ff00}-\u{ff60}\u{ffe0}-\u{ffe6}\u{16fe0}-\u{16fe4}\u{16ff0}-\u{16ff1}\u{17000}-\u{18cff}\u{18d00}-\u{18d08}\u{1aff0}-\u{1b2ff}\u{1f200}-\u{1f2ff}\u{20000}-\u{2fffd}\u{30000}-\u{3fffd}]/u;
const ZERO = /^[\p{Mn}\p{Me}\p{Cf}\p{Default_Ignorable_Code_Point}]/u;
const EMOJI_PRESENTATION = /^[\p{Emoji_Presentation}\p{Regional_Indicator}]/u;
/** A pictograph made an emoji by what follows it: VS16, a skin tone, a ZWJ, a keycap. */
const EMOJI_SEQUENCE = /^\p{Emoji}.*(?:\u{fe0f}|\u{200d}|\u{20e3}|\p{Emoji_Modifier})/u;
/** Text every terminal shows one column per character. */
const NARROW = /^[\x20-\x7e]*$/;

let segmenter: Intl.Segmenter | undefined;
function* graphemes(text: string): Generator<string> {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  for (const { segment } of segmenter.segment(text)) yield segment;
}

const graphemeWidth = (grapheme: string): number =>
  EMOJI_PRESENTATION.test(grapheme) || EMOJI_SEQUENCE.test(grapheme)
    ? 2
    : ZERO.test(grapheme)
      ? 0
      : WIDE.test(grapheme)
        ? 2
        : 1;

/** The display width of text as shown (it holds no control character). */
export function displayWidth(text: string): number {
  if (NARROW.test(text)) return text.length;
  let width = 0;
  for (const grapheme of graphemes(text)) width += graphemeWidth(grapheme);
  return width;
}

/** `text` padded with spaces to `width` display columns. */
export const padToWidth = (text: string, width: number) =>
  text + ' '.repeat(Math.max(0, width - displayWidth(text)));

/**
 * `text` as shown (control characters escaped), cut to at most `width`
 * display columns: when it is wider, as many whole graphemes and whole
 * escapes as fit in `width - 1` columns, then `…`.
 */
export function cutToWidth(text: string, width: number): string {
  const shown = shownParts(text);
  const whole = shown.join('');
  if (displayWidth(whole) <= width) return whole;
  let result = '';
  let used = 0;
  for (const [index, part] of shown.entries()) {
    // Odd parts are escapes (ASCII, one column per character), kept whole.
    const units = index % 2 === 1 ? [part] : graphemes(part);
    for (const unit of units) {
      const unitWidth = index % 2 === 1 ? unit.length : graphemeWidth(unit);
      if (used + unitWidth > width - 1) return `${result}…`;
      result += unit;
      used += unitWidth;
    }
  }
  return `${result}…`;
}
