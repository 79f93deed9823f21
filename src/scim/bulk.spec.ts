import {
  bulkFailure,
  bulkReferences,
  bulkResponse,
  bulkSuccess,
  bulkTarget,
  parseBulkRequest,
  planBulkOrder,
  resolveBulkReferences,
} from './bulk';
import {
  BULK_REQUEST_SCHEMA,
  BULK_RESPONSE_SCHEMA,
  CORE_GROUP_SCHEMA,
  CORE_USER_SCHEMA,
  ERROR_SCHEMA,
} from './constants';
import { ScimError } from './errors';

function errorOf(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScimError) return e;
    throw e;
  }
  throw new Error('expected a ScimError');
}

const request = {
  schemas: [BULK_REQUEST_SCHEMA],
  failOnErrors: 1,
  Operations: [
    {
      method: 'POST',
      path: '/Groups',
      bulkId: 'ytrewq',
      data: {
        schemas: [CORE_GROUP_SCHEMA],
        displayName: 'Tour Guides',
        members: [{ type: 'User', value: 'bulkId:qwerty' }],
      },
    },
    {
      method: 'post',
      path: '/Users',
      bulkId: 'qwerty',
      data: { schemas: [CORE_USER_SCHEMA], userName: 'Alice' },
    },
    {
      method: 'PATCH',
      path: '/Groups/bulkId:ytrewq',
      version: 'W/"1"',
      data: { schemas: [], Operations: [] },
    },
    { method: 'DELETE', path: '/Users/b7c14771' },
  ],
};

describe('parseBulkRequest', () => {
  it('normalises operations', () => {
    const parsed = parseBulkRequest(request, { maxOperations: 10 });
    expect(parsed.failOnErrors).toBe(1);
    expect(parsed.operations.map((o) => [o.method, o.path, o.bulkId])).toEqual([
      ['POST', '/Groups', 'ytrewq'],
      ['POST', '/Users', 'qwerty'],
      ['PATCH', '/Groups/bulkId:ytrewq', undefined],
      ['DELETE', '/Users/b7c14771', undefined],
    ]);
  });

  it('enforces maxOperations with 413', () => {
    const err = errorOf(() => parseBulkRequest(request, { maxOperations: 3 }));
    expect(err.status).toBe(413);
    expect(err.detail).toMatch(/maxOperations is 3/);
  });

  it.each([
    ['no schema', { Operations: [] }, 'invalidSyntax'],
    ['no Operations', { schemas: [BULK_REQUEST_SCHEMA] }, 'invalidSyntax'],
    [
      'bad method',
      { schemas: [BULK_REQUEST_SCHEMA], Operations: [{ method: 'GET', path: '/Users' }] },
      'invalidValue',
    ],
    [
      'POST without bulkId',
      { schemas: [BULK_REQUEST_SCHEMA], Operations: [{ method: 'POST', path: '/Users', data: {} }] },
      'invalidValue',
    ],
    [
      'PUT without data',
      { schemas: [BULK_REQUEST_SCHEMA], Operations: [{ method: 'PUT', path: '/Users/1' }] },
      'invalidValue',
    ],
    [
      'duplicate bulkId',
      {
        schemas: [BULK_REQUEST_SCHEMA],
        Operations: [1, 2].map(() => ({ method: 'POST', path: '/Users', bulkId: 'a', data: {} })),
      },
      'invalidValue',
    ],
    ['bad failOnErrors', { schemas: [BULK_REQUEST_SCHEMA], failOnErrors: 0, Operations: [] }, 'invalidValue'],
  ])('rejects %s', (_name, body, scimType) => {
    expect(errorOf(() => parseBulkRequest(body, { maxOperations: 10 })).scimType).toBe(scimType);
  });
});

describe('bulkId references', () => {
  const ops = parseBulkRequest(request, { maxOperations: 10 }).operations;

  it('finds references in data and path', () => {
    expect(ops.map(bulkReferences)).toEqual([['qwerty'], [], ['ytrewq'], []]);
  });

  it('orders creations before their references', () => {
    expect(planBulkOrder(ops)).toEqual({ order: [1, 0, 2, 3], unresolvable: new Map() });
  });

  it('reports unknown and circular references', () => {
    const plan = planBulkOrder([
      { method: 'POST', path: '/Groups', bulkId: 'a', data: { members: [{ value: 'bulkId:b' }] } },
      { method: 'POST', path: '/Groups', bulkId: 'b', data: { members: [{ value: 'bulkId:a' }] } },
      { method: 'PATCH', path: '/Users/bulkId:nope', data: {} },
      { method: 'DELETE', path: '/Users/1' },
    ]);
    expect(plan.order).toEqual([3]);
    expect([...plan.unresolvable.keys()].sort()).toEqual([0, 1, 2]);
  });

  it('rewrites references without touching the input', () => {
    const created = new Map([
      ['qwerty', 'u-1'],
      ['ytrewq', 'g 1'],
    ]);
    expect(resolveBulkReferences(ops[0], created).data).toMatchObject({
      members: [{ type: 'User', value: 'u-1' }],
    });
    expect(resolveBulkReferences(ops[2], created).path).toBe('/Groups/g%201');
    expect((ops[0].data as { members: { value: string }[] }).members[0].value).toBe('bulkId:qwerty');
  });

  it('is 409 when a reference has no created resource', () => {
    expect(errorOf(() => resolveBulkReferences(ops[0], new Map())).status).toBe(409);
  });

  it('finds the target resource type and id', () => {
    expect(bulkTarget(ops[1]).resourceType.id).toBe('User');
    expect(bulkTarget(ops[3])).toMatchObject({ id: 'b7c14771' });
    expect(errorOf(() => bulkTarget({ method: 'POST', path: '/Widgets', bulkId: 'x' })).scimType).toBe(
      'invalidPath',
    );
    expect(errorOf(() => bulkTarget({ method: 'DELETE', path: '/Users' })).scimType).toBe('invalidPath');
  });
});

describe('BulkResponse', () => {
  it('builds results with string statuses', () => {
    const post = { method: 'POST', path: '/Users', bulkId: 'qwerty' } as const;
    expect(
      bulkResponse([
        bulkSuccess(post, { status: 201, location: 'https://x/Users/1', version: 'W/"1"' }),
        bulkFailure({ method: 'DELETE', path: '/Users/2' }, ScimError.notFound('Resource 2 not found')),
      ]),
    ).toEqual({
      schemas: [BULK_RESPONSE_SCHEMA],
      Operations: [
        { method: 'POST', bulkId: 'qwerty', version: 'W/"1"', location: 'https://x/Users/1', status: '201' },
        {
          method: 'DELETE',
          status: '404',
          response: { schemas: [ERROR_SCHEMA], status: '404', detail: 'Resource 2 not found' },
        },
      ],
    });
  });
});
