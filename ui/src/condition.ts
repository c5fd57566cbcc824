// Showing where an agreement condition is wrong: the core reports a 1-based
// column counted in characters (not UTF-16 units), so the text is split by
// code points before marking the spot.
import type { ConditionProblem } from './api';

/** The condition split around the error column, ready to render. */
export interface ConditionMark {
  /** Text before the marked character. */
  before: string;
  /** The marked character; a space when the error is at the end of the text. */
  at: string;
  /** Text after it. */
  after: string;
  /** Spaces then `^`, aligned under the marked character in a monospace font. */
  caret: string;
  /** The 1-based column actually marked (clamped into the text). */
  column: number;
  /** "Column 12" or "At the end". */
  where: string;
}

/** Splits `text` around `error.column`; columns past the end mark the end. */
export function markCondition(text: string, error: ConditionProblem): ConditionMark {
  // The core parses trimmed text but counts columns in the text as given.
  const chars = Array.from(text.replace(/[\r\n\t]/g, ' '));
  const column = Math.min(Math.max(1, Math.trunc(error.column)), chars.length + 1);
  const index = column - 1;
  const atEnd = index >= chars.length;
  return {
    before: chars.slice(0, index).join(''),
    at: atEnd ? ' ' : (chars[index] ?? ' '),
    after: atEnd ? '' : chars.slice(index + 1).join(''),
    caret: `${' '.repeat(index)}^`,
    column,
    where: atEnd ? 'At the end' : `Column ${column}`,
  };
}

/**
 * The error's sentence, capitalised with a full stop, without its "at column
 * N" when N is the column shown beside it (the marked text says where).
 */
export function conditionMessage(error: ConditionProblem): string {
  const text = error.message.trim().replace(new RegExp(` (starting )?at column ${Math.trunc(error.column)}\\b`), '');
  if (text === '') return 'The condition is not valid.';
  const first = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}
