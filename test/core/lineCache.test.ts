import * as assert from 'node:assert/strict';
import { nonBlankLines } from '../../src/extension/lineCache';

/** The definition the fast scan must match: a line counts when it has a character above U+0020 that is not a Unicode space. */
function reference(text: string, lineCount: number): boolean[] {
  const spaces = /[\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;
  return text
    .split('\n')
    .slice(0, lineCount)
    .concat(new Array<string>(Math.max(0, lineCount - text.split('\n').length)).fill(''))
    .map((l) => [...l].some((ch) => ch.charCodeAt(0) > 32 && !spaces.test(ch)));
}

describe('LineCache: nonBlankLines', () => {
  const cases: { name: string; text: string }[] = [
    { name: 'empty text', text: '' },
    { name: 'items and blank lines', text: '{"a":1}\n\n  \n{"b":2}\n' },
    { name: 'CRLF line ends', text: '{"a":1}\r\n\r\n{"b":2}\r\n' },
    { name: 'tabs, NBSP and ideographic space only', text: '\t\u00a0\u3000\n x\n\u2003\n' },
    { name: 'control characters only', text: '\u0001\u001f\n\u0000x\n' },
    { name: 'no final line break', text: '\n\n{"c":3}' },
    { name: 'content after leading spaces', text: '    {"d":4}\n\u2028\u2029\n' },
  ];
  for (const { name, text } of cases) {
    it(name, () => {
      const lineCount = text.split('\n').length;
      assert.deepEqual(nonBlankLines(text, lineCount), reference(text, lineCount));
    });
  }
  it('stops at lineCount', () => {
    assert.deepEqual(nonBlankLines('a\nb\nc\n', 2), [true, true]);
  });
});
