/** `n word`, the word plural (an `s` added, or `many`) unless |n| is 1: "1 item", "0 items", "-1 item", "3 boxes". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${Math.abs(n) === 1 ? word : many}`;
}
