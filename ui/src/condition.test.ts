import { describe, expect, it } from 'vitest';

import { conditionMessage, markCondition } from './condition';

describe('markCondition', () => {
  it.each<[string, number, string, string, string, string, string]>([
    // text, column, before, at, after, caret, where
    ['name lik "%ICB"', 6, 'name ', 'l', 'ik "%ICB"', '     ^', 'Column 6'],
    ['name like "%ICB', 11, 'name like ', '"', '%ICB', '          ^', 'Column 11'],
    ['a =', 4, 'a =', ' ', '', '   ^', 'At the end'],
    ['x', 99, 'x', ' ', '', ' ^', 'At the end'],
    ['x', 0, '', 'x', '', '^', 'Column 1'],
    // Columns count characters, not UTF-16 units: the emoji is one column.
    ['name = "😀" andd', 12, 'name = "😀" ', 'a', 'ndd', '           ^', 'Column 12'],
  ])('%j at %d', (text, column, before, at, after, caret, where) => {
    const m = markCondition(text, { column, message: 'x' });
    expect(m).toMatchObject({ before, at, after, caret, where });
  });

  it('keeps the caret aligned when the text holds a line break', () => {
    const m = markCondition('a = 1\nand', { column: 7, message: 'x' });
    expect(m.before).toBe('a = 1 ');
  });
});

describe('conditionMessage', () => {
  it.each([
    ['expected an operator at column 6, found "lik"', 'Expected an operator, found "lik".'],
    ['unterminated string starting at column 6: add the closing "', 'Unterminated string: add the closing ".'],
    ['the condition is empty.', 'The condition is empty.'],
    ['', 'The condition is not valid.'],
  ])('%j', (message, expected) => expect(conditionMessage({ column: 6, message })).toBe(expected));

  it('keeps a column that is not the one shown', () => {
    expect(conditionMessage({ column: 2, message: 'missing ) for the ( at column 12' })).toBe('Missing ) for the ( at column 12.');
  });
});
