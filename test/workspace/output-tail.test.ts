import { describe, expect, it } from 'vitest';
import { OutputTail } from '../../src/workspace/index.js';

describe('OutputTail', () => {
  it('keeps the last lines and says how many were dropped', () => {
    const tail = new OutputTail(3);
    for (let i = 1; i <= 10; i++) tail.push(`line ${i}\n`);
    expect(tail.text()).toBe('[… 7 earlier lines not kept]\nline 8\nline 9\nline 10');
  });

  it('joins lines split across chunks, per stream, and drops carriage returns', () => {
    const tail = new OutputTail();
    tail.push('compil', 'stdout');
    tail.push('warn: dep', 'stderr');
    tail.push('ing\r\ndone', 'stdout');
    tail.push('recated\n', 'stderr');
    expect(tail.text()).toBe('compiling\nwarn: deprecated\ndone');
  });

  it('clips a single enormous line', () => {
    const tail = new OutputTail();
    tail.push(`${'x'.repeat(100_000)}\n`);
    expect(tail.text()).toBe(`${'x'.repeat(4000)} [… line clipped]`);
  });

  it('rejects a bound that is not a positive integer', () => {
    expect(() => new OutputTail(0)).toThrow('maxLines must be a positive integer, got 0');
  });
});
