import { auditRow, storable } from './audit.recorder';

describe('audit rows', () => {
  it('replace what PostgreSQL cannot store, so a hostile request is still audited', () => {
    expect(storable('a\u0000b')).toBe('a\uFFFDb');
    expect(storable('x\uD800y')).toBe('x\uFFFDy');
    expect(storable('ok \uD83D\uDE00')).toBe('ok \uD83D\uDE00');
    const row = auditRow({
      tenantId: null,
      category: 'SCIMEvent',
      type: 'scim.request.failed',
      targetLogin: 'evil\u0000@example.com',
      reason: 'bad \uDC00',
      details: { filter: 'userName eq "\u0000"', ['k\u0000']: ['\uD800'] },
    });
    expect(row.targetLogin).toBe('evil\uFFFD@example.com');
    expect(row.reason).toBe('bad \uFFFD');
    expect(row.details).toEqual({ filter: 'userName eq "\uFFFD"', ['k\uFFFD']: ['\uFFFD'] });
  });

  it('truncates long texts', () => {
    const row = auditRow({
      tenantId: null,
      category: 'SCIMEvent',
      type: 't',
      userAgent: undefined,
      targetLogin: 'x'.repeat(2000),
    } as never);
    expect(row.targetLogin).toHaveLength(512);
  });
});
