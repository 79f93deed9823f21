import { constantTimeEquals, generateSecret, hashSecret, parseBearer } from './access-key-secret';

describe('access key secrets', () => {
  it('generates 256-bit random secrets that differ every time', () => {
    const a = generateSecret();
    const b = generateSecret();
    expect(a).not.toEqual(b);
    expect(Buffer.from(a.slice(4), 'base64url')).toHaveLength(32);
  });

  it('hashes with SHA-256 hex', () => {
    expect(hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('compares in constant time, whatever the lengths', () => {
    expect(constantTimeEquals('same', 'same')).toBe(true);
    expect(constantTimeEquals('same', 'different-length')).toBe(false);
    expect(constantTimeEquals('', 'x')).toBe(false);
  });

  it.each([
    [undefined, 'missing'],
    ['', 'missing'],
    ['Basic abc', 'malformed'],
    ['Bearer', 'malformed'],
    ['Bearer nocolon', 'malformed'],
    ['Bearer :secret', 'malformed'],
    ['Bearer project:', 'malformed'],
    ['Bearer a b', 'malformed'],
  ])('parseBearer(%p) is %p', (header, expected) => {
    expect(parseBearer(header)).toBe(expected);
  });

  it('splits project and secret at the first colon, case-insensitive scheme', () => {
    expect(parseBearer('bearer P1:rsk_a:b')).toEqual({ projectId: 'P1', secret: 'rsk_a:b' });
  });
});
