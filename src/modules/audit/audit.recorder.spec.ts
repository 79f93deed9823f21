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

  it('are keyed by time-ordered UUIDv7 ids, so the primary key index grows at one end', () => {
    const event = { tenantId: null, category: 'SCIMEvent', type: 't' } as const;
    const ids = Array.from({ length: 1000 }, () => auditRow(event).id);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
