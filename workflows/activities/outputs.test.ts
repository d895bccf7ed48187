import { describe, expect, it } from 'vitest';
import { parseOutputs } from './command.activity';

describe('parseOutputs ($LOCKSTEP_OUTPUT)', () => {
  it('reads KEY=value lines, keeping = inside values and skipping blanks and comments', () => {
    expect(parseOutputs('VERSION=1.2.3\n\n# built by ci\nDIGEST=sha256:abc=\r\nEMPTY=\n')).toEqual({
      VERSION: '1.2.3',
      DIGEST: 'sha256:abc=',
      EMPTY: '',
    });
  });

  it('lets a later line win', () => {
    expect(parseOutputs('A=1\nA=2')).toEqual({ A: '2' });
  });

  it.each(['no equals sign', '=value', '1ABC=x', 'WITH SPACE=x'])(
    'refuses %j as a permanent error',
    (line) => {
      expect(() => parseOutputs(line)).toThrow(/invalid output line/);
    },
  );
});
