import { describe, expect, it } from 'vitest';

import { nextIndex } from './menu';

describe('moving in a menu', () => {
  it.each<[string, number, number | null]>([
    ['ArrowDown', 0, 1],
    ['ArrowDown', 2, 0],
    ['ArrowUp', 0, 2],
    ['ArrowUp', -1, 1],
    ['Home', 2, 0],
    ['End', 0, 2],
    ['Enter', 1, null],
    ['a', 1, null],
  ])('%s from %i of 3', (key, at, expected) => expect(nextIndex(key, at, 3)).toBe(expected));
});
