import { ERROR_SCHEMA, SCIM_MEDIA_TYPE } from './constants';
import { isScimError, ScimError, toScimErrorBody } from './errors';

describe('ScimError', () => {
  it.each([
    [ScimError.invalidFilter('bad'), 400, 'invalidFilter'],
    [ScimError.uniqueness('taken'), 409, 'uniqueness'],
    [ScimError.mutability('ro'), 400, 'mutability'],
    [ScimError.invalidCursor('c'), 400, 'invalidCursor'],
    [ScimError.notFound('gone'), 404, undefined],
    [ScimError.payloadTooLarge('big'), 413, undefined],
  ])('%s', (err, status, scimType) => {
    expect(err).toBeInstanceOf(Error);
    expect(isScimError(err)).toBe(true);
    expect([err.status, err.scimType]).toEqual([status, scimType]);
  });

  it('renders the RFC error body with a string status', () => {
    expect(toScimErrorBody(ScimError.invalidFilter('Unknown attribute "x"'))).toEqual({
      schemas: [ERROR_SCHEMA],
      status: '400',
      scimType: 'invalidFilter',
      detail: 'Unknown attribute "x"',
    });
    expect(toScimErrorBody(ScimError.notFound('gone'))).toEqual({
      schemas: [ERROR_SCHEMA],
      status: '404',
      detail: 'gone',
    });
  });

  it('exports the media type', () => {
    expect(SCIM_MEDIA_TYPE).toBe('application/scim+json');
  });
});
